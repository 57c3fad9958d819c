import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FloatDType } from './safetensors-dtype.js';
import { expectedWhisperTensors, PROJ_OUT_NAME, EMBED_TOKENS_NAME } from './whisper-tensor-layout.js';
import { writeSafetensors, type TensorSpec } from './write-safetensors.js';

/** Sizes and options of a synthetic Whisper checkpoint (for tests and benchmarks, not inference). */
export interface SyntheticCheckpointOptions {
  readonly dModel?: number;
  readonly encoderLayers?: number;
  readonly decoderLayers?: number;
  readonly attentionHeads?: number;
  readonly ffnDim?: number;
  /** Default 51865 (multilingual v1/v2 layout), so token ids are real ones. */
  readonly vocabSize?: number;
  readonly numMelBins?: number;
  readonly maxSourcePositions?: number;
  readonly maxTargetPositions?: number;
  readonly dtype?: FloatDType;
  /** Seed of the deterministic weight generator (default 1). */
  readonly seed?: number;
  /** Store `proj_out.weight` explicitly (a copy of the embedding) instead of leaving it tied. */
  readonly storeProjOut?: boolean;
  /** Write `model.safetensors.index.json` and two shards instead of one file. */
  readonly sharded?: boolean;
  /** Replaces or adds config.json keys (use `undefined` to delete one). */
  readonly configOverrides?: Readonly<Record<string, unknown>>;
}

/** Small deterministic PRNG (mulberry32): test checkpoints must be reproducible from a seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The deterministic weights {@link writeSyntheticWhisperCheckpoint} stores for tensor number
 * `index` (uniform in [-0.1, 0.1), LayerNorm weights around 1).
 */
export function syntheticTensorValues(
  name: string,
  elementCount: number,
  seed: number,
  index: number,
): Float32Array {
  const rand = mulberry32(seed * 100_003 + index * 7919 + 17);
  const out = new Float32Array(elementCount);
  const isNormWeight = /layer_norm\.weight$/.test(name);
  for (let i = 0; i < elementCount; i++) out[i] = (isNormWeight ? 1 : 0) + (rand() - 0.5) * 0.2;
  return out;
}

/**
 * Writes a random but structurally exact HF Whisper checkpoint folder (config.json with real
 * multilingual token ids, generation_config.json, preprocessor_config.json, weights) and returns
 * the config object it wrote. Sizes default to a 2+2-layer model with d_model 64 — tiny enough
 * for unit tests in other layers.
 */
export async function writeSyntheticWhisperCheckpoint(
  dir: string,
  options: SyntheticCheckpointOptions = {},
): Promise<Record<string, unknown>> {
  const d = options.dModel ?? 64;
  const vocab = options.vocabSize ?? 51865;
  const melBins = options.numMelBins ?? 80;
  const maxSource = options.maxSourcePositions ?? 1500;
  const config: Record<string, unknown> = {
    _name_or_path: 'chorus/synthetic-whisper',
    architectures: ['WhisperForConditionalGeneration'],
    model_type: 'whisper',
    activation_function: 'gelu',
    d_model: d,
    encoder_layers: options.encoderLayers ?? 2,
    decoder_layers: options.decoderLayers ?? 2,
    encoder_attention_heads: options.attentionHeads ?? 4,
    decoder_attention_heads: options.attentionHeads ?? 4,
    encoder_ffn_dim: options.ffnDim ?? 4 * d,
    decoder_ffn_dim: options.ffnDim ?? 4 * d,
    vocab_size: vocab,
    num_mel_bins: melBins,
    max_source_positions: maxSource,
    max_target_positions: options.maxTargetPositions ?? 448,
    scale_embedding: false,
    bos_token_id: 50257,
    eos_token_id: 50257,
    pad_token_id: 50257,
    decoder_start_token_id: 50258,
    begin_suppress_tokens: [220, 50257],
    suppress_tokens: [],
    torch_dtype: 'float32',
  };
  for (const [k, v] of Object.entries(options.configOverrides ?? {})) {
    if (v === undefined) delete config[k];
    else config[k] = v;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  await writeFile(
    join(dir, 'preprocessor_config.json'),
    JSON.stringify({
      chunk_length: (maxSource * 2 * 160) / 16000,
      feature_extractor_type: 'WhisperFeatureExtractor',
      feature_size: melBins,
      hop_length: 160,
      n_fft: 400,
      n_samples: maxSource * 2 * 160,
      nb_max_frames: maxSource * 2,
      sampling_rate: 16000,
    }),
  );
  const dtype = options.dtype ?? 'F32';
  const seed = options.seed ?? 1;
  const layout = expectedWhisperTensors(config, dir);
  const specs: TensorSpec[] = [...layout].map(([name, shape]) => ({ name, dtype, shape }));
  if (options.storeProjOut === true)
    specs.push({ name: PROJ_OUT_NAME, dtype, shape: layout.get(EMBED_TOKENS_NAME) ?? [] });
  const indexOf = new Map(specs.map((s, i) => [s.name, i]));
  const values = (spec: TensorSpec): Float32Array => {
    const source = spec.name === PROJ_OUT_NAME ? EMBED_TOKENS_NAME : spec.name;
    let n = 1;
    for (const x of spec.shape) n *= x;
    return syntheticTensorValues(source, n, seed, indexOf.get(source) ?? 0);
  };
  if (options.sharded !== true) {
    await writeSafetensors(join(dir, 'model.safetensors'), specs, values, { format: 'pt' });
    return config;
  }
  const half = Math.ceil(specs.length / 2);
  const shards = [specs.slice(0, half), specs.slice(half)];
  const weightMap: Record<string, string> = {};
  for (let s = 0; s < shards.length; s++) {
    const file = `model-0000${s + 1}-of-0000${shards.length}.safetensors`;
    await writeSafetensors(join(dir, file), shards[s], values, { format: 'pt' });
    for (const spec of shards[s]) weightMap[spec.name] = file;
  }
  await writeFile(
    join(dir, 'model.safetensors.index.json'),
    JSON.stringify({ metadata: {}, weight_map: weightMap }),
  );
  return config;
}
