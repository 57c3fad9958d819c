// 60 s of audio (2 × 30 s windows), greedy decoding with a fixed budget of new tokens per window:
// chorus's graphs vs transformers.js running the SAME weights through chorus's optimum export
// (same ONNX Runtime 1.30, same thread count), and the encoder vs its FLOP bound (encoder FLOPs /
// the GFLOP/s this machine reaches on a big ORT MatMul). Random weights, real tiny/base shapes;
// both sides get precomputed log-mel features, so this measures model inference only.
// Run: npm run bench:transcribe   (nice -n 10)   → bench/results/transcribe.json
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForSpeechSeq2Seq, env, Tensor } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { buildModel, ONNX_FLOAT, OnnxGraphBuilder } from '../../src/whisper/graph/onnx-graph-builder.js';
import { exportOptimum, loadWhisperModel } from '../../src/whisper/index.js';
import type { WhisperConfig } from '../../src/whisper/whisper-config.js';
import { argmaxRow, bestOf, writeBenchResult, type Timing } from './bench-timing.js';
import { randomWhisperWeights, whisperBenchConfig, type WhisperSize } from './random-whisper.js';

const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const SIZES = (process.env.BENCH_SIZES ?? 'tiny,base').split(',') as WhisperSize[];
const WINDOWS = 2;
/** Fixed decode budget per window (greedy, EOS ignored on both sides so the work is equal). */
const NEW_TOKENS = 100;
const PROMPT = [50258, 50259, 50359, 50363];
const RUNS = 2;
const MATMUL_N = 1024;

function windowMel(config: WhisperConfig, w: number): Float32Array {
  const mel = new Float32Array(config.numMelBins * config.windowFrames);
  for (let i = 0; i < mel.length; i++) mel[i] = 1.2 * Math.sin(i * 0.0131 + w) * Math.cos(i * 0.00071);
  return mel;
}

/** Encoder multiply-adds ×2: convs, per layer QKV/out/MLP projections (24·T·d²) and attention (4·T²·d). */
function encoderFlops(config: WhisperConfig): number {
  const d = config.dModel;
  const T = config.maxSourcePositions;
  const conv1 = 2 * config.numMelBins * 3 * d * config.windowFrames;
  const conv2 = 2 * d * 3 * d * T;
  const perLayer = 2 * (4 * T * d * d + 2 * T * d * config.encoderFfnDim) + 4 * T * T * d;
  return conv1 + conv2 + config.encoderLayers * perLayer;
}

/** GFLOP/s of a [N,N]·[N,N] float32 MatMul on ORT CPU with THREADS threads (best of 5). */
async function machineGflops(): Promise<number> {
  const b = new OnnxGraphBuilder('matmul');
  b.input('a', ONNX_FLOAT, [MATMUL_N, MATMUL_N]);
  const w = new Float32Array(MATMUL_N * MATMUL_N).map((_, i) => Math.sin(i));
  b.node('MatMul', ['a', b.weight('w', w, [MATMUL_N, MATMUL_N])], ['y']);
  b.output('y', ONNX_FLOAT);
  const m = buildModel(b, { onnx: 17 });
  const session = await ort.InferenceSession.create(m.modelBytes, {
    externalData: m.externalData.map((e) => ({ path: e.path, data: e.data })),
    intraOpNumThreads: THREADS,
  });
  const feeds = { a: new ort.Tensor('float32', w.slice(), [MATMUL_N, MATMUL_N]) };
  await session.run(feeds);
  const t = await bestOf(5, () => session.run(feeds));
  await session.release();
  return (2 * MATMUL_N ** 3) / (t.wallMs / 1000) / 1e9;
}

async function runChorus(size: WhisperSize): Promise<Record<string, unknown>> {
  const config = whisperBenchConfig(size);
  await using model = await loadWhisperModel({
    config,
    weights: randomWhisperWeights(config),
    intraOpThreads: THREADS,
  });
  const tokens: number[][] = [];
  const transcribe = async (): Promise<void> => {
    tokens.length = 0;
    for (let w = 0; w < WINDOWS; w++) {
      const audio = await model.encode(windowMel(config, w), 1);
      let r = await model.step(model.startDecoder(audio, 1), Int32Array.from(PROMPT), PROMPT.length);
      audio.dispose();
      const out: number[] = [];
      for (let s = 0; s < NEW_TOKENS; s++) {
        const next = argmaxRow(r.result.logits, 0, config.vocabSize);
        out.push(next);
        if (s === NEW_TOKENS - 1) break;
        r = await model.step(r.state, Int32Array.of(next), 1);
      }
      r.state.dispose();
      tokens.push(out);
    }
  };
  await transcribe(); // warm-up
  const total = await bestOf(RUNS, transcribe);
  const encode = await bestOf(RUNS, async () => (await model.encode(windowMel(config, 0), 1)).dispose());
  return { total, encode, tokens };
}

async function runTransformersJs(size: WhisperSize, dir: string): Promise<Record<string, unknown>> {
  const config = whisperBenchConfig(size);
  await exportOptimum(randomWhisperWeights(config), config, join(dir, size));
  env.allowRemoteModels = false;
  env.localModelPath = `${dir}/`;
  const model = await AutoModelForSpeechSeq2Seq.from_pretrained(size, {
    dtype: 'fp32',
    device: 'cpu',
    session_options: { intraOpNumThreads: THREADS, interOpNumThreads: 1 },
  });
  const tokens: number[][] = [];
  const transcribe = async (): Promise<void> => {
    tokens.length = 0;
    for (let w = 0; w < WINDOWS; w++) {
      const out = (await model.generate({
        inputs: new Tensor('float32', windowMel(config, w), [1, config.numMelBins, config.windowFrames]),
        decoder_input_ids: [PROMPT],
        max_new_tokens: NEW_TOKENS,
        min_new_tokens: NEW_TOKENS,
        do_sample: false,
        begin_suppress_tokens: null,
        suppress_tokens: null,
      } as unknown as Parameters<typeof model.generate>[0])) as Tensor;
      tokens.push((out.tolist() as bigint[][])[0].slice(PROMPT.length).map(Number));
    }
  };
  await transcribe();
  const total = await bestOf(RUNS, transcribe);
  await model.dispose();
  return { total, tokens };
}

const dir = await mkdtemp(join(tmpdir(), 'chorus-bench-'));
try {
  const gflops = await machineGflops();
  console.log(`MatMul ${MATMUL_N}³ on ORT, ${THREADS} threads: ${gflops.toFixed(1)} GFLOP/s`);
  const rows: Record<string, unknown>[] = [];
  for (const size of SIZES) {
    const config = whisperBenchConfig(size);
    const chorus = await runChorus(size);
    const tjs = await runTransformersJs(size, dir);
    const c = chorus.total as Timing;
    const t = tjs.total as Timing;
    const enc = chorus.encode as Timing;
    const flops = encoderFlops(config);
    const boundMs = (flops / (gflops * 1e9)) * 1000;
    const sameTokens = JSON.stringify(chorus.tokens) === JSON.stringify(tjs.tokens);
    const row = {
      size,
      audioSec: WINDOWS * 30,
      newTokensPerWindow: NEW_TOKENS,
      chorusWallMs: c.wallMs,
      chorusCpuMs: c.cpuMs,
      transformersJsWallMs: t.wallMs,
      transformersJsCpuMs: t.cpuMs,
      chorusOverTransformersJsWall: c.wallMs / t.wallMs,
      chorusOverTransformersJsCpu: c.cpuMs / t.cpuMs,
      chorusEncoderWallMs: enc.wallMs,
      encoderGflop: flops / 1e9,
      encoderFlopBoundMs: boundMs,
      chorusEncoderOverFlopBound: enc.wallMs / boundMs,
      xRealTimeChorus: (WINDOWS * 30 * 1000) / c.wallMs,
      sameGreedyTokens: sameTokens,
    };
    console.log(row);
    rows.push(row);
  }
  console.log(
    writeBenchResult('transcribe', THREADS, {
      note: `best of ${RUNS} after a warm-up; ${WINDOWS} windows × (encode + ${PROMPT.length}-token prompt + ${NEW_TOKENS} greedy tokens); transformers.js runs chorus's optimum export of the same random weights (plain ONNX ops, as optimum exports); machine shared with other jobs, run at nice 10: CPU-time ratios are the less disturbed ones. Goal: chorusOverTransformersJsWall ≤ 0.5.`,
      matmulGflops: gflops,
      rows,
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
