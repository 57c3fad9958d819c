// Merge linear algebra: GFLOP/s of the ORT Gemm path vs the TypeScript kernel, and randomized
// SVD / polar / TSV-M timings at Whisper-large-v3 MLP shape (1280×5120, 4 experts).
// Run (once, late, machine shared): nice -n 10 npx tsx bench/merge/linalg.bench.ts → bench/results/linalg.json
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  gemmTs,
  LinalgBackend,
  polarNewtonSchulz,
  truncatedSvd,
  type Matrix,
} from '../../src/merge/linalg/index.js';
import { gaussianMatrix } from '../../src/merge/linalg/test-matrices.js';
import { createTsvM, TsvMParamsSchema } from '../../src/merge/methods/tsv-m.js';
import { createBoostedTsvM, BoostedTsvMParamsSchema } from '../../src/merge/methods/boosted-tsv-m.js';
import { createLors, LorsParamsSchema } from '../../src/merge/methods/lors.js';

interface Row {
  name: string;
  runs: number;
  /** Wall-clock median; inflated when other jobs share the cores. */
  medianMs: number;
  /** This process's CPU time (user + system) median, all threads. */
  medianCpuMs: number;
  gflops?: number;
  note?: string;
}

let sink = 0;
const loadavg1mStart = loadavg()[0];
const rows: Row[] = [];

async function measure(
  name: string,
  run: () => Promise<number> | number,
  runs: number,
  flops?: number,
  note?: string,
): Promise<Row> {
  // Warm-up (session creation, JIT) only for the short cases; the long ones reuse warm sessions.
  if (runs > 1) sink += await run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    sink += await run();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const row: Row = { name, runs, medianMs: median(wall), medianCpuMs: median(cpu) };
  if (flops !== undefined) row.gflops = flops / (row.medianMs * 1e6);
  if (note !== undefined) row.note = note;
  rows.push(row);
  console.log(JSON.stringify(row));
  return row;
}

const backend = new LinalgBackend();
const tsOnly = new LinalgBackend({ isTypeScriptOnly: true });
const eventLoop = monitorEventLoopDelay({ resolution: 10 });
eventLoop.enable();

// 1. Matrix products: ORT Gemm vs TypeScript.
for (const [m, k, n] of [
  [64, 64, 64],
  [256, 256, 256],
  [1280, 5120, 330],
  [1280, 1280, 1280],
] as const) {
  const a = gaussianMatrix(m, k, 1);
  const b = gaussianMatrix(k, n, 2);
  const flops = 2 * m * k * n;
  await measure(`gemm ort ${m}x${k}x${n}`, async () => (await backend.gemm(a, b)).data[0], 5, flops);
  if (flops <= 2 * 256 ** 3) await measure(`gemm ts ${m}x${k}x${n}`, () => gemmTs(a, b).data[0], 3, flops);
  else if (m === 1280 && n === 330)
    await measure(`gemm ts ${m}x${k}x${n}`, async () => (await tsOnly.gemm(a, b)).data[0], 1, flops);
}

// 2. Randomized top-k SVD and polar factors at 1280×5120 (k = r/T = 320 for T = 4).
const [M, N, T] = [1280, 5120, 4];
const K = Math.floor(Math.min(M, N) / T);
const spectrum = Array.from({ length: Math.min(M, N) }, (_, i) => 1 / (1 + i / 40)); // slowly decaying, like fine-tune deltas
// A ≈ G₁·diag(s)·G₂ with scaled Gaussian G₁ (M×r), G₂ (r×N): nearly orthogonal factors, spectrum ≈ s.
async function taskLike(seed: number): Promise<Matrix> {
  const r = spectrum.length;
  const g1 = gaussianMatrix(M, r, seed);
  for (let i = 0; i < M; i++) for (let j = 0; j < r; j++) g1.data[i * r + j] *= spectrum[j] / Math.sqrt(M);
  const g2 = gaussianMatrix(r, N, seed + 1);
  for (let i = 0; i < g2.data.length; i++) g2.data[i] /= Math.sqrt(N);
  return backend.gemm(g1, g2);
}
const tasks: Matrix[] = [];
for (let t = 0; t < T; t++) tasks.push(await taskLike(100 + 2 * t));
await measure(
  `randomizedSvd ${M}x${N} k=${K} q=2`,
  async () => (await truncatedSvd(backend, tasks[0], K, { seed: 1 })).s[0],
  2,
);
await measure(
  `polar exact ${M}x${M} (gaussian, worst case)`,
  async () => (await polarNewtonSchulz(backend, gaussianMatrix(M, M, 7))).data[0],
  1,
);
await measure(
  `polar exact ${M}x${N}`,
  async () => (await polarNewtonSchulz(backend, gaussianMatrix(M, N, 8))).data[0],
  1,
);
await measure(
  `polar exact gram-form ${M}x${N}`,
  async () => (await polarNewtonSchulz(backend, gaussianMatrix(M, N, 8), { form: 'gram' })).data[0],
  1,
);
await measure(
  `polar muon5 ${M}x${N}`,
  async () => (await polarNewtonSchulz(backend, gaussianMatrix(M, N, 8), { schedule: 'muon5' })).data[0],
  1,
);

// 3. Whole methods on one 1280×5120 tensor with 4 experts (the merge bench's shape).
const input = {
  name: 'model.decoder.layers.0.fc2.weight',
  shape: [M, N],
  kind: 'matrix' as const,
  base: new Float32Array(M * N),
  deltas: tasks.map((t) => t.data),
  weights: new Float64Array(T).fill(1),
  expertParams: tasks.map(() => ({})),
  seed: 1,
  isSvdExcluded: false,
};
const out = new Float32Array(M * N);
const tsv = createTsvM(backend);
await measure(
  `tsv_m ${M}x${N} T=${T}`,
  async () => {
    await tsv.mergeTensorInto(out, input, TsvMParamsSchema.parse({}), undefined);
    return out[0];
  },
  1,
  undefined,
  'peer: torch.linalg.svd TSV-M (T + 2 full SVDs); see the merge bench for paired runs',
);
await measure(
  `tsv_m ${M}x${N} T=${T} polar newton-schulz-gram`,
  async () => {
    await tsv.mergeTensorInto(out, input, TsvMParamsSchema.parse({ polar: 'newton-schulz-gram' }), undefined);
    return out[0];
  },
  1,
);
await measure(
  `tsv_m ${M}x${N} T=${T} polar muon5`,
  async () => {
    await tsv.mergeTensorInto(out, input, TsvMParamsSchema.parse({ polar: 'muon5' }), undefined);
    return out[0];
  },
  1,
);
const boosted = createBoostedTsvM(backend);
await measure(
  `boosted_tsv_m ${M}x${N} T=${T} (sigma energy, before truncation)`,
  async () => {
    await boosted.mergeTensorInto(out, input, BoostedTsvMParamsSchema.parse({}), undefined);
    return out[0];
  },
  1,
);
await measure(
  `boosted_tsv_m ${M}x${N} T=${T} (after truncation, muon5)`,
  async () => {
    await boosted.mergeTensorInto(
      out,
      input,
      BoostedTsvMParamsSchema.parse({ boost: 'after-truncation', polar: 'muon5' }),
      undefined,
    );
    return out[0];
  },
  1,
);
const lors = createLors(backend);
await measure(
  `lors ${M}x${N} T=${T} rank=12`,
  async () => {
    await lors.mergeTensorInto(out, input, LorsParamsSchema.parse({ rank: 12 }), undefined);
    return out[0];
  },
  1,
);

eventLoop.disable();
await backend.close();
await tsOnly.close();

const result = {
  bench: 'merge/linalg',
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadavg1mStart,
    loadavg1mEnd: loadavg()[0],
  },
  node: process.version,
  ortThreads: 'ORT default (one per core), intra-op spinning off',
  eventLoopDelayP99Ms: eventLoop.percentile(99) / 1e6,
  rows,
  sink,
};
const dir = join(import.meta.dirname, '..', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'linalg.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${join(dir, 'linalg.json')}`);
