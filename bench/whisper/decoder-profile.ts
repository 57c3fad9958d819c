// Where a chorus decoder token step's time goes: ORT's per-operator profile of the decoder graph
// over STEPS greedy steps after a 4-token prompt, each node's MINIMUM over the steps (its least
// preempted run, so the figure holds on a loaded host), summed by op type.
// Run: nice -n 15 tsx bench/whisper/decoder-profile.ts   (BENCH_SIZES=tiny|base, BENCH_THREADS, ROWS)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildDecoderGraph } from '../../src/whisper/graph/decoder-graph.js';
import { buildEncoderGraph } from '../../src/whisper/graph/encoder-graph.js';
import type { BuiltModel } from '../../src/whisper/graph/onnx-graph-builder.js';
import { randomWhisperWeights, whisperBenchConfig, type WhisperSize } from './random-whisper.js';

const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const SIZE = (process.env.BENCH_SIZES ?? 'tiny') as WhisperSize;
const ROWS = Number(process.env.ROWS ?? 1);
const STEPS = Number(process.env.STEPS ?? 40);
const PROMPT = [50258, 50259, 50359, 50363];

const config = whisperBenchConfig(SIZE);
const weights = randomWhisperWeights(config);
const dir = mkdtempSync(join(tmpdir(), 'chorus-profile-'));
const session = (m: BuiltModel, profile: boolean): Promise<ort.InferenceSession> =>
  ort.InferenceSession.create(m.modelBytes, {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: THREADS,
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    ...(profile ? { enableProfiling: true, profileFilePrefix: join(dir, 'decoder') } : {}),
    externalData: m.externalData.map((e) => ({ path: e.path, data: e.data })),
  });
try {
  const enc = await session(await buildEncoderGraph(config, weights), false);
  const dec = await session(await buildDecoderGraph(config, weights), true);
  const mel = new Float32Array(ROWS * config.numMelBins * config.windowFrames).map((_, i) =>
    Math.sin(i * 0.0131),
  );
  const encoded = await enc.run({
    input_features: new ort.Tensor('float32', mel, [ROWS, config.numMelBins, config.windowFrames]),
  });
  const heads = config.decoderAttentionHeads;
  const empty = (): ort.Tensor =>
    new ort.Tensor('float32', new Float32Array(0), [ROWS, heads, 0, config.dModel / heads]);
  let past = Array.from({ length: config.decoderLayers }, () => [empty(), empty()]);
  let ids = new ort.Tensor(
    'int32',
    Int32Array.from({ length: ROWS * 4 }, (_, i) => PROMPT[i % 4]),
    [ROWS, 4],
  );
  for (let s = 0; s <= STEPS; s++) {
    const feeds: Record<string, ort.Tensor> = {
      input_ids: ids,
      logits_last_n: new ort.Tensor('int64', BigInt64Array.of(1n), [1]),
    };
    for (let i = 0; i < config.decoderLayers; i++) {
      feeds[`past_key_self_${i}`] = past[i][0];
      feeds[`past_value_self_${i}`] = past[i][1];
      feeds[`cross_key_${i}`] = encoded[`cross_key_${i}`];
      feeds[`cross_value_${i}`] = encoded[`cross_value_${i}`];
    }
    const out = await dec.run(feeds);
    past = past.map((_, i) => [out[`present_key_self_${i}`], out[`present_value_self_${i}`]]);
    ids = new ort.Tensor('int32', new Int32Array(ROWS).fill(1000 + s), [ROWS, 1]);
  }
  dec.endProfiling();
  await enc.release();
  await dec.release();
  const file = readdirSync(dir).find((f) => f.startsWith('decoder'));
  if (file === undefined) throw new Error('ORT wrote no profile');
  const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    cat: string;
    name: string;
    dur: number;
    args?: { op_name?: string };
  }[];
  const nodes = new Map<string, { op: string; seen: number; minUs: number }>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const n = nodes.get(e.name) ?? { op: e.args?.op_name ?? '?', seen: 0, minUs: Infinity };
    if (n.seen++ > 0) n.minUs = Math.min(n.minUs, e.dur); // the first run is the prompt step
    nodes.set(e.name, n);
  }
  const byOp = new Map<string, number>();
  for (const n of nodes.values()) byOp.set(n.op, (byOp.get(n.op) ?? 0) + n.minUs / 1000);
  const total = [...byOp.values()].reduce((a, c) => a + c, 0);
  console.log(
    `${SIZE}, ${ROWS} row(s), ${THREADS} thread(s): token step ≈ ${total.toFixed(3)} ms (sum of per-node minima)`,
  );
  for (const [op, ms] of [...byOp].sort((a, b) => b[1] - a[1]))
    console.log(`  ${op.padEnd(26)} ${ms.toFixed(3)} ms  ${((100 * ms) / total).toFixed(0)}%`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
