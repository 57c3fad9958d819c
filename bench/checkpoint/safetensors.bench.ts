// Safetensors read / write / digest throughput in elements per second, each against its physical
// bound on this machine: a raw positional read of the same bytes (page cache), a raw write + fsync
// of the same bytes, and sha256 of the bytes already in memory (CONVENTIONS.md §10).
// Run: nice -n 10 npx tsx bench/checkpoint/safetensors.bench.ts   → bench/results/safetensors.json
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  digestTensor,
  dtypeByteSize,
  float16ToFloat32TableInto,
  float32ToFloat16FastInto,
  SafetensorsFile,
  writeSafetensors,
  type FloatDType,
} from '../../src/checkpoint/index.js';
import { float16ToFloat32Into, float32ToFloat16Into } from '../../src/shared/index.js';

const SIZES_ELEMENTS = [1e3, 1e5, 1e7];
const DTYPES: FloatDType[] = ['F32', 'F16', 'BF16'];
/** Minimum measured time per case; enough repetitions for a stable median on a shared machine. */
const MIN_CASE_MS = 800;
const MIN_RUNS = 5;

interface Row {
  op: string;
  dtype: string;
  elements: number;
  runs: number;
  medianMs: number;
  elementsPerSec: number;
  /** The same bytes through the bound operation (raw read / raw write+fsync / sha256 in memory). */
  boundMedianMs: number;
  /** ours / bound time: 1 means at the physical bound. */
  ratioToBound: number;
}

let sink = 0;

async function medianMs(run: () => Promise<number>): Promise<[number, number]> {
  for (let i = 0; i < 2; i++) sink += await run();
  const times: number[] = [];
  const start = performance.now();
  while (performance.now() - start < MIN_CASE_MS || times.length < MIN_RUNS) {
    const t0 = performance.now();
    sink += await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return [times[Math.floor(times.length / 2)], times.length];
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'chorus-bench-st-'));
  const rows: Row[] = [];
  try {
    for (const n of SIZES_ELEMENTS) {
      const values = new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = Math.sin(i * 0.37) * 0.1;
      for (const dtype of DTYPES) {
        const path = join(dir, `t-${dtype}-${n}.safetensors`);
        const specs = [{ name: 'w', dtype, shape: [n] }];
        const bytes = n * dtypeByteSize(dtype);
        const rawPath = join(dir, `raw-${dtype}-${n}.bin`);
        const raw = new Uint8Array(bytes).fill(7);

        const [writeMs, writeRuns] = await medianMs(async () => {
          await writeSafetensors(path, specs, () => values);
          return 1;
        });
        const [rawWriteMs] = await medianMs(async () => {
          const fh = await open(rawPath, 'w');
          await fh.write(raw);
          await fh.sync();
          await fh.close();
          return 1;
        });
        rows.push(row('write', dtype, n, writeRuns, writeMs, rawWriteMs));

        const file = await SafetensorsFile.open(path);
        const offset = file.info('w').fileOffsetBytes;
        const [readMs, readRuns] = await medianMs(async () => (await file.readF32('w'))[n - 1]);
        const fh = await open(path, 'r');
        const [rawReadMs] = await medianMs(async () => {
          const buf = new Uint8Array(bytes);
          await fh.read(buf, 0, bytes, offset);
          return buf[bytes - 1];
        });
        await fh.close();
        rows.push(row('readF32', dtype, n, readRuns, readMs, rawReadMs));

        const [digestMs, digestRuns] = await medianMs(async () => (await digestTensor(file, 'w')).length);
        const [hashMs] = await medianMs(async () => createHash('sha256').update(raw).digest('hex').length);
        rows.push(row('digest', dtype, n, digestRuns, digestMs, hashMs));
        await file.close();
      }
    }
    // In-memory codecs, ours against the shared scalar helpers they replace in the reader/writer,
    // measured in the same run so the ratio survives a loaded machine (bound column = shared helper).
    const n = 1e7;
    // Full 16-bit patterns: half of real weights are negative, which is what slows a Uint32Array store.
    const bits = new Uint16Array(n).map((_, i) => (i * 2654435761) & 0xffff);
    const floats = new Float32Array(n).map((_, i) => Math.sin(i * 0.37) * 0.1);
    const f32 = new Float32Array(n);
    const u16 = new Uint16Array(n);
    const codecs: [string, string, () => number, () => number][] = [
      [
        'decode (table vs shared)',
        'F16',
        () => float16ToFloat32TableInto(f32, bits)[n - 1],
        () => float16ToFloat32Into(f32, bits)[n - 1],
      ],
      [
        'encode (fast vs shared)',
        'F16',
        () => float32ToFloat16FastInto(u16, floats)[n - 1],
        () => float32ToFloat16Into(u16, floats)[n - 1],
      ],
    ];
    for (const [op, dtype, ours, shared] of codecs) {
      // Alternate the two so that load changes on the shared machine hit both alike.
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < 2; i++) sink += ours() + shared();
      for (let i = 0; i < 15; i++) {
        let t0 = performance.now();
        sink += ours();
        a.push(performance.now() - t0);
        t0 = performance.now();
        sink += shared();
        b.push(performance.now() - t0);
      }
      const med = (v: number[]): number => v.sort((x, y) => x - y)[Math.floor(v.length / 2)];
      rows.push(row(op, dtype, n, a.length, med(a), med(b)));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const result = {
    benchmark: 'checkpoint/safetensors',
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadavg1m: loadavg()[0] },
    node: process.version,
    threads: 1,
    note: 'Shared 2-core machine with a training run at higher priority; wall-clock medians. Write includes fsync; read is from the page cache.',
    rows,
    sink,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/safetensors.json', `${JSON.stringify(result, null, 2)}\n`);
}

function row(op: string, dtype: string, elements: number, runs: number, ms: number, boundMs: number): Row {
  const r = {
    op,
    dtype,
    elements,
    runs,
    medianMs: Number(ms.toFixed(3)),
    elementsPerSec: Math.round((elements / ms) * 1000),
    boundMedianMs: Number(boundMs.toFixed(3)),
    ratioToBound: Number((ms / boundMs).toFixed(2)),
  };
  console.log(
    `${op.padEnd(34)} ${dtype.padEnd(5)} ${String(elements).padStart(9)}  ${ms.toFixed(2).padStart(9)} ms  ` +
      `${(r.elementsPerSec / 1e6).toFixed(1).padStart(7)} M elem/s  ×${r.ratioToBound} of bound`,
  );
  return r;
}

await main();
