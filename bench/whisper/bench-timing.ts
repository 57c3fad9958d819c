/** Timing and result-file helpers of the Whisper benchmarks (CONVENTIONS.md §10). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

/** Wall and CPU time of one run (CPU = user + system of this process, all ORT threads). */
export interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

export async function timeIt(run: () => Promise<unknown>): Promise<Timing> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}

/** Best (minimum) wall and CPU time over `runs`: on a shared machine the minimum is the least
 *  disturbed run. */
export async function bestOf(runs: number, run: () => Promise<unknown>): Promise<Timing> {
  let wallMs = Infinity;
  let cpuMs = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = await timeIt(run);
    wallMs = Math.min(wallMs, t.wallMs);
    cpuMs = Math.min(cpuMs, t.cpuMs);
  }
  return { wallMs, cpuMs };
}

/** Writes `bench/results/<name>.json` with date, machine, Node version and thread count. */
export function writeBenchResult(name: string, threads: number, body: Record<string, unknown>): string {
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  const result = {
    name,
    date: new Date().toISOString(),
    machine: { cpuModel: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
    node: process.version,
    threads,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    ...body,
  };
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** Index of the largest value of `logits[row·V … (row+1)·V)`. */
export function argmaxRow(logits: Float32Array, row: number, vocabSize: number): number {
  const off = row * vocabSize;
  let best = 0;
  for (let v = 1; v < vocabSize; v++) if (logits[off + v] > logits[off + best]) best = v;
  return best;
}
