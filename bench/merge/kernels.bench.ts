// In-memory throughput of the merge engine's element-wise paths on whisper-small-sized data, apart
// from file reading: the TA and TIES kernels (one 16M-element tensor, far beyond the caches, 4
// experts) and the finite scan the executor runs, each against this machine's copy bandwidth.
// bench:merge times the whole merge (open, read, merge); this separates the arithmetic from the I/O.
// Run: npx tsx bench/merge/kernels.bench.ts  → bench/results/merge-kernels.json
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tiesMethod } from '../../src/merge/methods/ties.js';
import { taskArithmeticMethod } from '../../src/merge/methods/task-arithmetic.js';
import type { TensorMergeInput } from '../../src/merge/methods/merge-method.js';
import { fillStandardNormal } from '../../src/merge/linalg/index.js';
import { firstNonFiniteIndex } from '../../src/shared/index.js';

const N = 16 * 1024 * 1024;
const EXPERTS = 4;
const REPEATS = 5;

/** Task-vector-like values: N(0, 0.01²), seeded. */
function randomArray(seed: number): Float32Array {
  const a = fillStandardNormal(new Float32Array(N), seed);
  for (let i = 0; i < N; i++) a[i] *= 0.01;
  return a;
}

function best(run: () => void): number {
  let ms = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    run();
    ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
}

const src = randomArray(1);
const dst = new Float32Array(N);
const copyMs = best(() => dst.set(src));
const copyGBps = (2 * N * 4) / (copyMs / 1000) / 1e9; // bytes read + written

const input: TensorMergeInput = {
  name: 'model.encoder.layers.0.fc1.weight',
  shape: [4096, 4096],
  kind: 'matrix',
  base: randomArray(2),
  deltas: Array.from({ length: EXPERTS }, (_, t) => randomArray(10 + t)),
  weights: new Float64Array(EXPERTS).fill(1),
  expertParams: Array.from({ length: EXPERTS }, () => ({})),
  seed: 1,
  isSvdExcluded: false,
};
const out = new Float32Array(N);
const inputBytes = N * 4 * (1 + EXPERTS);
const trafficBytes = inputBytes + N * 4; // inputs read + output written
const rows: Record<string, unknown>[] = [];
function row(name: string, ms: number, bytes: number, note: string): void {
  const gbps = bytes / (ms / 1000) / 1e9;
  rows.push({
    path: name,
    ms,
    inputGBps: inputBytes / (ms / 1000) / 1e9,
    trafficGBps: gbps,
    fractionOfCopyBandwidth: gbps / copyGBps,
    note,
  });
  process.stderr.write(
    `${name}: ${ms.toFixed(1)} ms, ${gbps.toFixed(2)} GB/s traffic = ${((100 * gbps) / copyGBps).toFixed(1)} % of copy\n`,
  );
}
row(
  'task_arithmetic kernel',
  best(
    () => void taskArithmeticMethod.mergeTensorInto(out, input, { lambda: 1, normalize: false }, undefined),
  ),
  trafficBytes,
  'base + 4 task vectors read, output written',
);
row(
  'ties kernel (density 0.2: thresholds + elect + disjoint mean)',
  best(
    () =>
      void tiesMethod.mergeTensorInto(out, input, { density: 0.2, lambda: 1, normalize: true }, undefined),
  ),
  trafficBytes,
  'includes the per-expert magnitude threshold (selection over each task vector)',
);
row(
  'finite scan of the 5 inputs',
  best(() => {
    for (const a of [input.base, ...input.deltas])
      if (firstNonFiniteIndex(a) >= 0) throw new Error('non-finite');
  }),
  inputBytes,
  'what the executor runs on the inputs of methods that can drop a NaN',
);

const dir = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, 'merge-kernels.json'),
  `${JSON.stringify(
    {
      benchmark: 'merge/kernels',
      date: new Date().toISOString(),
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadavg1m: loadavg()[0] },
      node: process.version,
      elements: N,
      experts: EXPERTS,
      copyGBps,
      note: 'Best of 5, one thread, arrays in memory (no file reading). trafficGBps counts bytes read and written; copyGBps = a Float32Array copy (read + written) of the same size.',
      rows,
    },
    null,
    2,
  )}\n`,
);
