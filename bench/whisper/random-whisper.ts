/**
 * Random-weight Whisper models with the real tiny/base shapes, for benchmarks (speed does not
 * depend on the weight values; the values only need to keep activations finite).
 */
import type { WeightSource } from '../../src/whisper/index.js';
import type { WhisperConfig } from '../../src/whisper/whisper-config.js';

/** Real shapes (ref: /work/shared/reference/whisper.md §1.3). */
export const WHISPER_SHAPES = {
  tiny: { dModel: 384, layers: 4, heads: 6 },
  base: { dModel: 512, layers: 6, heads: 8 },
} as const;

export type WhisperSize = keyof typeof WHISPER_SHAPES;

/** A multilingual (51865-token, 80-mel) config with the shape of `size`. */
export function whisperBenchConfig(size: WhisperSize): WhisperConfig {
  const s = WHISPER_SHAPES[size];
  return {
    dModel: s.dModel,
    encoderLayers: s.layers,
    decoderLayers: s.layers,
    encoderAttentionHeads: s.heads,
    decoderAttentionHeads: s.heads,
    encoderFfnDim: 4 * s.dModel,
    decoderFfnDim: 4 * s.dModel,
    vocabSize: 51865,
    numMelBins: 80,
    maxSourcePositions: 1500,
    maxTargetPositions: 448,
    windowFrames: 3000,
    windowSamples: 480000,
    chunkLengthSec: 30,
    decoderStartTokenId: 50258,
    eosTokenId: 50257,
    padTokenId: 50257,
    beginSuppressTokens: [220, 50257],
    suppressTokens: [],
    alignmentHeads: [[s.layers - 1, 0]],
    isMultilingual: true,
    noTimestampsTokenId: 50363,
  };
}

/** Shapes of every HF parameter of `config` (proj_out tied, so absent). */
export function whisperParameterShapes(config: WhisperConfig): Map<string, number[]> {
  const d = config.dModel;
  const shapes = new Map<string, number[]>();
  const attn = (p: string): void => {
    for (const x of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) {
      shapes.set(`${p}.${x}.weight`, [d, d]);
      if (x !== 'k_proj') shapes.set(`${p}.${x}.bias`, [d]);
    }
  };
  const norm = (p: string): void => {
    shapes.set(`${p}.weight`, [d]);
    shapes.set(`${p}.bias`, [d]);
  };
  const mlp = (p: string, f: number): void => {
    shapes.set(`${p}.fc1.weight`, [f, d]);
    shapes.set(`${p}.fc1.bias`, [f]);
    shapes.set(`${p}.fc2.weight`, [d, f]);
    shapes.set(`${p}.fc2.bias`, [d]);
  };
  const e = 'model.encoder';
  shapes.set(`${e}.conv1.weight`, [d, config.numMelBins, 3]);
  shapes.set(`${e}.conv1.bias`, [d]);
  shapes.set(`${e}.conv2.weight`, [d, d, 3]);
  shapes.set(`${e}.conv2.bias`, [d]);
  shapes.set(`${e}.embed_positions.weight`, [config.maxSourcePositions, d]);
  for (let i = 0; i < config.encoderLayers; i++) {
    attn(`${e}.layers.${i}.self_attn`);
    norm(`${e}.layers.${i}.self_attn_layer_norm`);
    norm(`${e}.layers.${i}.final_layer_norm`);
    mlp(`${e}.layers.${i}`, config.encoderFfnDim);
  }
  norm(`${e}.layer_norm`);
  const dd = 'model.decoder';
  shapes.set(`${dd}.embed_tokens.weight`, [config.vocabSize, d]);
  shapes.set(`${dd}.embed_positions.weight`, [config.maxTargetPositions, d]);
  for (let i = 0; i < config.decoderLayers; i++) {
    attn(`${dd}.layers.${i}.self_attn`);
    attn(`${dd}.layers.${i}.encoder_attn`);
    norm(`${dd}.layers.${i}.self_attn_layer_norm`);
    norm(`${dd}.layers.${i}.encoder_attn_layer_norm`);
    norm(`${dd}.layers.${i}.final_layer_norm`);
    mlp(`${dd}.layers.${i}`, config.decoderFfnDim);
  }
  norm(`${dd}.layer_norm`);
  return shapes;
}

/** Deterministic uniform weights scaled by 1/√fan-in (LayerNorm weights 1); cached per name. */
export function randomWhisperWeights(config: WhisperConfig, seed = 1): WeightSource {
  const shapes = whisperParameterShapes(config);
  const cache = new Map<string, Float32Array>();
  return (name) => {
    const hit = cache.get(name);
    if (hit !== undefined) return hit;
    const shape = shapes.get(name);
    if (shape === undefined) throw new Error(`no parameter ${name}`);
    const n = shape.reduce((a, c) => a * c, 1);
    const out = new Float32Array(n);
    let state = (seed * 2654435761 + name.length * 40503 + n) >>> 0;
    const fanIn = shape.length > 1 ? n / shape[0] : 1;
    const isNormWeight = /layer_norm\.weight$/.test(name);
    const scale = name.endsWith('.bias') ? 0.02 : isNormWeight ? 0 : Math.sqrt(3 / fanIn);
    for (let i = 0; i < n; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0; // LCG: fast, and quality is irrelevant here
      out[i] = (isNormWeight ? 1 : 0) + scale * ((state / 4294967296) * 2 - 1);
    }
    cache.set(name, out);
    return out;
  };
}
