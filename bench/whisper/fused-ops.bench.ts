// Fused ONNX Runtime contrib ops (MultiHeadAttention/Attention, SkipLayerNormalization, BiasGelu,
// Gelu) vs the plain opset-17 variant of the same chorus graphs, whisper-tiny/base shapes,
// random weights. Run: nice -n 10 npx tsx bench/whisper/fused-ops.bench.ts
//   → bench/results/whisper-fused-ops.json
import { ChorusWhisperModel } from '../../src/whisper/index.js';
import { argmaxRow, bestOf, writeBenchResult } from './bench-timing.js';
import { randomWhisperWeights, whisperBenchConfig, type WhisperSize } from './random-whisper.js';

const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const PROMPT = [50258, 50259, 50359, 50363];
const DECODE_STEPS = 40;
const RUNS = 3;

async function measure(size: WhisperSize, fused: boolean): Promise<Record<string, unknown>> {
  const config = whisperBenchConfig(size);
  const weights = randomWhisperWeights(config);
  await using model = await ChorusWhisperModel.load({ config, weights, fused, intraOpThreads: THREADS });
  const mel = new Float32Array(config.numMelBins * config.windowFrames);
  for (let i = 0; i < mel.length; i++) mel[i] = Math.sin(i * 0.013) * 1.2;
  const encode = await bestOf(RUNS, async () => (await model.encode(mel, 1)).dispose());
  using audio = await model.encode(mel, 1);
  let sink = 0;
  const decode = await bestOf(RUNS, async () => {
    let state = model.startDecoder(audio, 1);
    let r = await model.step(state, Int32Array.from(PROMPT), PROMPT.length);
    state = r.state;
    for (let s = 0; s < DECODE_STEPS; s++) {
      const next = argmaxRow(r.result.logits, 0, config.vocabSize);
      sink += next;
      r = await model.step(state, Int32Array.of(next), 1);
      state = r.state;
    }
    state.dispose();
  });
  return {
    size,
    variant: fused ? 'fused' : 'plain',
    encodeWallMs: encode.wallMs,
    encodeCpuMs: encode.cpuMs,
    decodeStepWallMs: decode.wallMs / (DECODE_STEPS + 1),
    decodeStepCpuMs: decode.cpuMs / (DECODE_STEPS + 1),
    sink,
  };
}

const rows: Record<string, unknown>[] = [];
const sizes = (process.env.BENCH_SIZES ?? 'tiny,base').split(',') as WhisperSize[];
for (const size of sizes) {
  for (const fused of [true, false]) {
    const row = await measure(size, fused);
    console.log(row);
    rows.push(row);
  }
}
const ratios = sizes.map((size) => {
  const [f, p] = rows.filter((r) => r.size === size) as {
    encodeWallMs: number;
    decodeStepWallMs: number;
    encodeCpuMs: number;
    decodeStepCpuMs: number;
  }[];
  return {
    size,
    encodeWallFusedOverPlain: f.encodeWallMs / p.encodeWallMs,
    encodeCpuFusedOverPlain: f.encodeCpuMs / p.encodeCpuMs,
    decodeStepWallFusedOverPlain: f.decodeStepWallMs / p.decodeStepWallMs,
    decodeStepCpuFusedOverPlain: f.decodeStepCpuMs / p.decodeStepCpuMs,
  };
});
console.log(ratios);
console.log(
  writeBenchResult('whisper-fused-ops', THREADS, {
    note: `best of ${RUNS}; decode = prompt of ${PROMPT.length} then ${DECODE_STEPS} greedy KV-cached steps (per-step mean); random weights with real shapes; machine shared (nice 10): CPU-time columns are the less disturbed ones`,
    rows,
    ratios,
  }),
);
