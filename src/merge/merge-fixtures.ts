/**
 * Small random checkpoints and experts on disk, for the merge engine's tests and benchmarks (not
 * exported from the layer). The base is a structurally exact HF Whisper folder from the checkpoint
 * layer's synthetic writer; experts are the base plus small pseudo-random task vectors.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  HfCheckpoint,
  writeSafetensors,
  writeSyntheticWhisperCheckpoint,
  type SyntheticCheckpointOptions,
  type TensorSpec,
} from '../checkpoint/index.js';
import { pseudoRandomTensor } from './methods/merge-method-contract.js';

/** Sizes of the tiny test model: 1+1 layers, d_model 16, vocabulary 96. */
export const TINY_MODEL: SyntheticCheckpointOptions = {
  dModel: 16,
  encoderLayers: 1,
  decoderLayers: 1,
  attentionHeads: 2,
  ffnDim: 32,
  vocabSize: 96,
  numMelBins: 8,
  maxSourcePositions: 12,
  maxTargetPositions: 8,
};

/** Tensors a fine-tune leaves untouched (HF freezes the encoder's sinusoidal table). */
export const FROZEN_TENSOR = 'model.encoder.embed_positions.weight';

/** Options of {@link deltaFor}. */
export interface DeltaOptions {
  /** Relative size of the task vector next to the weight scale 0.1 (default 0.05). */
  readonly amplitude?: number;
  /** Only these tensors get a task vector (default: all but the frozen table). */
  readonly only?: (name: string) => boolean;
}

/** The deterministic task vector of expert `seed` for one tensor (zeros for frozen or excluded tensors). */
export function deltaFor(
  name: string,
  length: number,
  seed: number,
  options: DeltaOptions = {},
): Float32Array {
  if (name === FROZEN_TENSOR || (options.only !== undefined && !options.only(name)))
    return new Float32Array(length);
  let h = seed;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) >>> 0;
  return pseudoRandomTensor(length, h, 0.1 * (options.amplitude ?? 0.05));
}

/** Writes the tiny base checkpoint. */
export async function writeTinyBase(dir: string, options: SyntheticCheckpointOptions = {}): Promise<void> {
  await writeSyntheticWhisperCheckpoint(dir, { ...TINY_MODEL, ...options });
  await writeFile(join(dir, 'tokenizer_config.json'), '{"model_max_length": 448}\n');
}

/** Writes a full fine-tuned checkpoint folder: base + deltaFor(…, seed). */
export async function writeCheckpointExpert(
  baseDir: string,
  dir: string,
  seed: number,
  options: DeltaOptions = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of ['config.json', 'preprocessor_config.json']) await copyFile(join(baseDir, f), join(dir, f));
  await using base = await HfCheckpoint.open(baseDir);
  const specs: TensorSpec[] = base.tensorNames.map((name) => ({
    name,
    dtype: 'F32',
    shape: base.info(name).shape,
  }));
  await writeSafetensors(join(dir, 'model.safetensors'), specs, async (spec) => {
    const theta = await base.readF32(spec.name);
    const delta = deltaFor(spec.name, theta.length, seed, options);
    for (let i = 0; i < theta.length; i++) theta[i] += delta[i];
    return theta;
  });
}

/** Writes a delta safetensors file (θ_t − θ_0 of the tensors `options.only` selects; default all but frozen). */
export async function writeDeltaExpert(
  baseDir: string,
  file: string,
  seed: number,
  options: DeltaOptions & {
    readonly metadata?: Record<string, string>;
    readonly mutate?: (name: string, d: Float32Array) => void;
  } = {},
): Promise<void> {
  await using base = await HfCheckpoint.open(baseDir);
  const names = base.tensorNames.filter(
    (n) => n !== FROZEN_TENSOR && (options.only === undefined || options.only(n)),
  );
  const specs: TensorSpec[] = names.map((name) => ({ name, dtype: 'F32', shape: base.info(name).shape }));
  await writeSafetensors(
    file,
    specs,
    (spec) => {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      const d = deltaFor(spec.name, n, seed, options);
      options.mutate?.(spec.name, d);
      return d;
    },
    options.metadata ?? { format: 'pt' },
  );
}

/** LoRA factors of {@link writeLoraExpert} for one module weight `[out, in]`: A `[r, in]`, B `[out, r]`. */
export function loraFactorsFor(
  name: string,
  out: number,
  inDim: number,
  rank: number,
  seed: number,
): { a: Float32Array; b: Float32Array } {
  return {
    a: deltaFor(`${name}#A`, rank * inDim, seed, { amplitude: 0.5 }),
    b: deltaFor(`${name}#B`, out * rank, seed, { amplitude: 0.5 }),
  };
}

/**
 * Writes a PEFT LoRA adapter folder targeting every `q_proj`/`v_proj` weight:
 * adapter_config.json (`r`, `lora_alpha`) and adapter_model.safetensors with
 * `base_model.model.<module>.lora_{A,B}.weight`; ΔW = (lora_alpha/r)·B·A.
 */
export async function writeLoraExpert(
  baseDir: string,
  dir: string,
  seed: number,
  rank = 2,
  loraAlpha = 4,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'adapter_config.json'),
    JSON.stringify({
      peft_type: 'LORA',
      r: rank,
      lora_alpha: loraAlpha,
      target_modules: ['q_proj', 'v_proj'],
    }),
  );
  await using base = await HfCheckpoint.open(baseDir);
  const targets = base.tensorNames.filter((n) => /\.(q_proj|v_proj)\.weight$/.test(n));
  const specs: TensorSpec[] = [];
  const data = new Map<string, Float32Array>();
  for (const name of targets) {
    const [out, inDim] = base.info(name).shape;
    const { a, b } = loraFactorsFor(name, out, inDim, rank, seed);
    const module = `base_model.model.${name.slice(0, -'.weight'.length)}`;
    specs.push({ name: `${module}.lora_A.weight`, dtype: 'F32', shape: [rank, inDim] });
    specs.push({ name: `${module}.lora_B.weight`, dtype: 'F32', shape: [out, rank] });
    data.set(`${module}.lora_A.weight`, a);
    data.set(`${module}.lora_B.weight`, b);
  }
  await writeSafetensors(
    join(dir, 'adapter_model.safetensors'),
    specs,
    (spec) => data.get(spec.name) as Float32Array,
    { format: 'pt' },
  );
}
