// Merge-engine throughput on random weights with real Whisper shapes and 4 experts stored as delta
// files, for TA, TIES, TSV-M, BoostedTSV-M and LoRS: seconds, GB/s of weights processed (float32
// base + 4 task vectors), peak RSS, the ratio against a plain PyTorch reference of the same method
// on the same inputs (bench/merge/reference_merge.py, /usr/bin/python3 + torch), and for the
// element-wise methods the ratio against this machine's measured memory bandwidth.
// Every (shape, method) runs in its own child process so peak RSS is per run. Other methods
// (ties_global, pcb_global, breadcrumbs, dare_ties, della, iso_c, iso_cts, subspace_boosting) can
// be named in --plan: they have no PyTorch reference here and are measured alone (time, peak RSS).
// Run: npm run bench:merge [-- --plan "small:ta,ties;large-v3:ta" --large-layers 4 --dir DIR --append --row-note TEXT]
//   → bench/results/merge.json
import { hugePagesInEffect, relaunchWithHugePages } from '../../bin/huge-pages.mjs';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  writeSyntheticWhisperCheckpoint,
  type SyntheticCheckpointOptions,
} from '../../src/checkpoint/index.js';
import { configureSharedLinalgBackend } from '../../src/merge/linalg/index.js';
import { writeDeltaExpert } from '../../src/merge/merge-fixtures.js';
import {
  MergeWorkerPool,
  openMergeInputs,
  parseMergeRecipe,
  streamMergedTensors,
  type MergeExecutor,
} from '../../src/merge/index.js';

const EXPERT_COUNT = 4;
const NOTE =
  'Random weights with real Whisper shapes; 4 experts as F32 delta files; base F32. Time = open + read + merge of every tensor (each output consumed, then its buffer recycled as mergeToCheckpoint does; digests not computed). gbPerSec counts float32 base + 4 task vectors per tensor. ratioVsPytorch = chorus seconds / PyTorch seconds (same inputs; the reference uses full torch.linalg.svd where chorus uses randomized top-k SVD and Newton–Schulz polar factors). fractionOfCopyBandwidth compares TA/TIES throughput with a 256 MiB Float32Array copy (read + write bytes). Each row records its date, copy bandwidth, load average and, given --row-note, the conditions of the run.';
let torchVersionCache: string | undefined;
interface PreviousFile {
  readonly rows?: Record<string, unknown>[];
  readonly note?: string;
  readonly memoryCopyGBps?: number | Record<string, number>;
}
let previousFile: PreviousFile | undefined;
const runStartedAt = new Date().toISOString().slice(0, 16).replace('T', ' ');
/** Task-vector size next to the synthetic weights' ±0.1: fine-tunes move weights by a few percent. */
const DELTA_AMPLITUDE = 0.02;

interface Shape {
  readonly name: string;
  readonly options: SyntheticCheckpointOptions;
  readonly layersNote: string;
}

/** The methods have a PyTorch reference; the others (reference undefined) are measured
 *  alone, for their time and peak memory. */
const METHODS: Record<
  string,
  { engine: string; parameters: Record<string, unknown>; reference: string | undefined }
> = {
  ta: { engine: 'task_arithmetic', parameters: { lambda: 1 }, reference: 'ta' },
  ties: { engine: 'ties', parameters: { density: 0.2, lambda: 1 }, reference: 'ties' },
  tsv_m: { engine: 'tsv_m', parameters: {}, reference: 'tsv_m' },
  boosted_tsv_m: { engine: 'boosted_tsv_m', parameters: {}, reference: 'boosted_tsv_m' },
  lors: { engine: 'lors', parameters: {}, reference: 'lors' },
  ties_global: { engine: 'ties_global', parameters: { density: 0.2 }, reference: undefined },
  pcb_global: { engine: 'pcb_global', parameters: {}, reference: undefined },
  breadcrumbs: { engine: 'breadcrumbs', parameters: {}, reference: undefined },
  dare_ties: { engine: 'dare_ties', parameters: { density: 0.2 }, reference: undefined },
  della: { engine: 'della', parameters: {}, reference: undefined },
  // the subspace methods that led the merge-quality table (models/README.md)
  iso_c: { engine: 'iso_c', parameters: {}, reference: undefined },
  iso_cts: { engine: 'iso_cts', parameters: {}, reference: undefined },
  subspace_boosting: { engine: 'subspace_boosting', parameters: {}, reference: undefined },
};

function torchVersion(): string {
  try {
    return execFileSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function shapes(largeLayers: number): Shape[] {
  return [
    {
      name: 'tiny',
      options: {
        dModel: 64,
        encoderLayers: 2,
        decoderLayers: 2,
        attentionHeads: 4,
        ffnDim: 256,
        vocabSize: 512,
        numMelBins: 80,
      },
      layersNote: 'smoke test only (not a Whisper size)',
    },
    {
      name: 'small',
      options: {
        dModel: 768,
        encoderLayers: 12,
        decoderLayers: 12,
        attentionHeads: 12,
        ffnDim: 3072,
        vocabSize: 51865,
        numMelBins: 80,
      },
      layersNote: 'whisper-small: all 12+12 layers',
    },
    {
      name: 'small-2l',
      options: {
        dModel: 768,
        encoderLayers: 2,
        decoderLayers: 2,
        attentionHeads: 12,
        ffnDim: 3072,
        vocabSize: 51865,
        numMelBins: 80,
      },
      layersNote:
        'whisper-small shapes, 2+2 of 12+12 layers (time-limited subset for the SVD methods), full embeddings',
    },
    {
      name: 'large-v3',
      options: {
        dModel: 1280,
        encoderLayers: largeLayers,
        decoderLayers: largeLayers,
        attentionHeads: 20,
        ffnDim: 5120,
        vocabSize: 51866,
        numMelBins: 128,
      },
      layersNote: `whisper-large-v3 shapes, ${largeLayers}+${largeLayers} of 32+32 layers (time-limited subset), full embeddings`,
    },
  ];
}

/** Copy bandwidth of this machine: bytes read + written per second by a large Float32Array copy. */
function measureBandwidth(): { copyGBps: number; bytes: number } {
  const n = 64 * 1024 * 1024; // 256 MiB per buffer, far beyond the caches
  const src = new Float32Array(n).fill(1);
  const dst = new Float32Array(n);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    dst.set(src);
    best = Math.min(best, performance.now() - t0);
  }
  if (dst[n - 1] !== 1) throw new Error('copy failed');
  return { copyGBps: (2 * n * 4) / (best / 1000) / 1e9, bytes: n * 4 };
}

async function prepare(shape: Shape, root: string): Promise<{ base: string; experts: string[] }> {
  const dir = join(root, shape.name);
  const base = join(dir, 'base');
  const experts = Array.from({ length: EXPERT_COUNT }, (_, i) => join(dir, `expert-${i}.safetensors`));
  // The marker records what was written: a folder prepared for another shape (e.g. another
  // --large-layers) is rebuilt, not reused.
  const marker = JSON.stringify({
    options: shape.options,
    experts: EXPERT_COUNT,
    amplitude: DELTA_AMPLITUDE,
  });
  if (existsSync(join(dir, 'ready')) && readFileSync(join(dir, 'ready'), 'utf8') === marker)
    return { base, experts };
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeSyntheticWhisperCheckpoint(base, shape.options);
  for (let i = 0; i < EXPERT_COUNT; i++)
    await writeDeltaExpert(base, experts[i], 100 + i, { amplitude: DELTA_AMPLITUDE / 0.1 });
  writeFileSync(join(dir, 'ready'), marker);
  return { base, experts };
}

/** VmHWM of this process (reset by execve, unlike getrusage's maxRSS, which a child inherits). */
function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}

/** Child mode: one merge, output consumed and dropped; prints one JSON line. */
async function child(base: string, experts: string[], method: string, threads: number): Promise<void> {
  const spec = METHODS[method];
  const recipe = parseMergeRecipe({
    base,
    method: spec.engine,
    parameters: spec.parameters,
    experts: experts.map((path, i) => ({ path, name: `e${i}` })),
  });
  // The same thread budget as the PyTorch reference's torch.set_num_threads(threads): one merge
  // thread with `threads` ORT threads for its matrix products, or `threads` workers with one each.
  if (threads <= 1) configureSharedLinalgBackend({ intraOpThreadCount: 1 });
  const pool = threads > 1 ? new MergeWorkerPool({ threadCount: threads, linalgThreads: 1 }) : undefined;
  const t0 = performance.now();
  await using inputs = await openMergeInputs(recipe);
  let bytes = 0;
  let sink = 0;
  const executor: MergeExecutor | undefined = pool;
  for await (const t of streamMergedTensors(inputs, {
    ...(executor ? { executor } : {}),
    concurrency: threads,
    recycleOutputs: true,
  })) {
    sink += t.data[0];
    bytes += t.data.length * 4 * (1 + EXPERT_COUNT);
  }
  const seconds = (performance.now() - t0) / 1000;
  await pool?.close();
  const peakRssBytes = peakRss();
  process.stdout.write(`${JSON.stringify({ seconds, bytes, peakRssBytes, sink })}\n`);
}

/** Writes bench/results/merge.json (after every row, so an interrupted run keeps what it measured). */
function writeResults(
  rows: readonly Record<string, unknown>[],
  threads: number,
  copyGBps: number,
  isAppend: boolean,
): void {
  const dir = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'merge.json');
  // The file of earlier runs is read once, before this run writes its first row; appending keeps
  // its rows, note and per-run copy bandwidths, and adds this run's bandwidth under its date.
  previousFile ??=
    isAppend && existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as PreviousFile) : { rows: [] };
  const previous = previousFile.rows ?? [];
  const runLabel = `${runStartedAt} (${cpus()[0]?.model ?? 'unknown'})`;
  const bandwidths =
    typeof previousFile.memoryCopyGBps === 'object'
      ? { ...previousFile.memoryCopyGBps, [runLabel]: copyGBps }
      : { [runLabel]: copyGBps };
  const out = {
    benchmark: 'merge/merge',
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadavg1m: loadavg()[0] },
    node: process.version,
    torch: (torchVersionCache ??= torchVersion()),
    threads,
    experts: EXPERT_COUNT,
    memoryCopyGBps: bandwidths,
    note: previousFile.note ?? NOTE,
    rows: [...previous, ...rows],
  };
  writeFileSync(path, `${JSON.stringify(out, null, 2)}\n`);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const [base, expertsJoined, method, threads] = process.argv.slice(3);
    await child(base, expertsJoined.split(','), method, Number(threads));
    return;
  }
  await relaunchWithHugePages(); // as `chorus merge` runs (bin/huge-pages.mjs)
  // --plan "small:ta,ties;small-2l:tsv_m,lors" picks methods per shape (default: every method on small and large-v3).
  const plan = new Map<string, string[]>(
    arg('plan', 'small:ta,ties,tsv_m,boosted_tsv_m,lors;large-v3:ta,ties,tsv_m,boosted_tsv_m,lors')
      .split(';')
      .map((entry) => {
        const [shape, methods] = entry.split(':');
        return [shape, methods.split(',')];
      }),
  );
  const threads = Number(arg('threads', '1'));
  const largeLayers = Number(arg('large-layers', '4'));
  const timeoutMs = Number(arg('timeout-s', '1200')) * 1000;
  const root = arg('dir', join(tmpdir(), 'chorus-merge-bench'));
  const isAppend = process.argv.includes('--append');
  const bandwidth = measureBandwidth();
  const rows: Record<string, unknown>[] = [];
  const self = fileURLToPath(import.meta.url);
  for (const shape of shapes(largeLayers).filter((s) => plan.has(s.name))) {
    const { base, experts } = await prepare(shape, root);
    for (const method of plan.get(shape.name) ?? []) {
      const ours = spawnSync(
        process.execPath,
        ['--import', 'tsx', self, '--child', base, experts.join(','), method, String(threads)],
        {
          encoding: 'utf8',
          timeout: timeoutMs,
          maxBuffer: 1 << 20,
        },
      );
      const oursJson =
        ours.status === 0
          ? (JSON.parse(ours.stdout.trim().split('\n').pop() as string) as Record<string, number>)
          : undefined;
      const reference = METHODS[method].reference;
      const ref =
        reference === undefined
          ? undefined
          : spawnSync(
              '/usr/bin/python3',
              [
                join(self, '..', 'reference_merge.py'),
                '--base',
                base,
                '--experts',
                ...experts,
                '--method',
                reference,
                '--threads',
                String(threads),
              ],
              { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 20 },
            );
      const refJson =
        ref?.status === 0
          ? (JSON.parse(ref.stdout.trim().split('\n').pop() as string) as Record<string, number>)
          : undefined;
      const gbps = oursJson ? oursJson.bytes / oursJson.seconds / 1e9 : undefined;
      const row = {
        shape: shape.name,
        layers: shape.layersNote,
        method,
        seconds: oursJson?.seconds,
        weightsGB: oursJson ? oursJson.bytes / 1e9 : undefined,
        gbPerSec: gbps,
        peakRssMB: oursJson ? oursJson.peakRssBytes / 2 ** 20 : undefined,
        pytorchSeconds: refJson?.seconds,
        pytorchPeakRssMB: refJson ? refJson.peak_rss_bytes / 2 ** 20 : undefined,
        ratioVsPytorch: oursJson && refJson ? oursJson.seconds / refJson.seconds : undefined,
        fractionOfCopyBandwidth:
          gbps !== undefined && (method === 'ta' || method === 'ties')
            ? gbps / bandwidth.copyGBps
            : undefined,
        date: runStartedAt,
        // threads of each side: chorus's merge threads × ORT threads each, PyTorch's set_num_threads
        chorusThreads: threads,
        pytorchThreads: threads,
        // both sides (the reference inherits the environment); CHORUS_HUGE_PAGES=0 measures without
        hugePages: hugePagesInEffect(),
        memoryCopyGBps: bandwidth.copyGBps,
        loadavg1m: loadavg()[0],
        ...(arg('row-note', '') === '' ? {} : { note: arg('row-note', '') }),
        error: oursJson
          ? refJson || ref === undefined
            ? undefined
            : `pytorch: ${ref.error?.message ?? ref.stderr.slice(-300)}`
          : `chorus: ${ours.error?.message ?? ours.stderr.slice(-300)}`,
      };
      rows.push(row);
      process.stderr.write(`${JSON.stringify(row)}\n`);
      writeResults(rows, threads, bandwidth.copyGBps, isAppend);
    }
  }
}

await main();
