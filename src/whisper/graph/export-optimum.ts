/**
 * Writes a Whisper model in HF optimum's ONNX layout, the folder transformers.js loads
 * (ref: /work/shared/reference/whisper.md §5.1–5.2): `onnx/encoder_model.onnx`,
 * `onnx/decoder_model_merged.onnx` (+ `<file>_data` external weights when large, declared in
 * config.json `transformers.js_config.use_external_data_format`), and the JSON/tokenizer files.
 */
import { copyFile, mkdir, readFile, rename, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import { HfCheckpoint, TOKENIZER_FILE_NAMES } from '../../checkpoint/index.js';
import { AppError } from '../../shared/index.js';
import type { WhisperConfig } from '../whisper-config.js';
import { buildEncoderGraphWithWeights } from './encoder-graph.js';
import type { WhisperGraphOptions } from './graph-context.js';
import { encodeModel, relocateExternalData, type GraphWithWeights } from './onnx-graph-builder.js';
import { buildOptimumDecoderGraph } from './optimum-decoder-graph.js';
import type { WeightSource } from './weight-source.js';

/** Weights above this size go to a `.onnx_data` file: protobuf messages are capped at 2 GiB. */
const DEFAULT_EXTERNAL_DATA_THRESHOLD_BYTES = 1024 * 1024 * 1024;
/** optimum exports Whisper at opset 14 (§5.1); LayerNormalization needs 17, which tjs's ORT runs. */
const OPTIMUM_OPSETS = { onnx: 17, microsoft: 1 } as const;

/** Options of `exportOptimum`. */
export interface ExportOptimumOptions extends WhisperGraphOptions {
  /** Graph weights larger than this are written as external data (default 1 GiB). */
  readonly externalDataThresholdBytes?: number;
  /** Folder whose config/generation/preprocessor/tokenizer files are copied (default: the
   *  checkpoint folder when `source` is a path; otherwise the JSON files are generated). */
  readonly sourceDir?: string;
}

/** What was written. */
export interface ExportOptimumResult {
  /** Paths relative to `outDir`. */
  readonly files: readonly string[];
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await writeFile(`${path}.tmp`, data);
  await rename(`${path}.tmp`, path);
}

async function writeGraph(
  outDir: string,
  fileName: string,
  g: GraphWithWeights,
  thresholdBytes: number,
): Promise<{ files: string[]; external: boolean }> {
  const total = g.external.reduce((a, t) => a + t.data.byteLength, 0);
  const external = total > thresholdBytes;
  const dataName = `${fileName}_data`;
  const layout = relocateExternalData(g.graph, g.external, external ? dataName : undefined);
  const files = [`onnx/${fileName}`];
  if (external) {
    const handle = await open(join(outDir, 'onnx', `${dataName}.tmp`), 'w');
    try {
      for (const part of layout.parts) await handle.write(part.data, 0, part.data.byteLength, part.offset);
    } finally {
      await handle.close();
    }
    await rename(join(outDir, 'onnx', `${dataName}.tmp`), join(outDir, 'onnx', dataName));
    files.push(`onnx/${dataName}`);
  }
  await writeAtomic(join(outDir, 'onnx', fileName), encodeModel(g.graph, OPTIMUM_OPSETS));
  return { files, external };
}

/** HF config.json fields for `config` (used when no source folder provides one). */
export function hfConfigJson(config: WhisperConfig): Record<string, unknown> {
  return {
    model_type: 'whisper',
    is_encoder_decoder: true,
    architectures: ['WhisperForConditionalGeneration'],
    d_model: config.dModel,
    encoder_layers: config.encoderLayers,
    decoder_layers: config.decoderLayers,
    encoder_attention_heads: config.encoderAttentionHeads,
    decoder_attention_heads: config.decoderAttentionHeads,
    encoder_ffn_dim: config.encoderFfnDim,
    decoder_ffn_dim: config.decoderFfnDim,
    vocab_size: config.vocabSize,
    num_mel_bins: config.numMelBins,
    max_source_positions: config.maxSourcePositions,
    max_target_positions: config.maxTargetPositions,
    activation_function: 'gelu',
    scale_embedding: false,
    bos_token_id: config.eosTokenId,
    eos_token_id: config.eosTokenId,
    pad_token_id: config.padTokenId,
    decoder_start_token_id: config.decoderStartTokenId,
    begin_suppress_tokens: config.beginSuppressTokens,
    suppress_tokens: config.suppressTokens,
  };
}

function generationConfigJson(config: WhisperConfig): Record<string, unknown> {
  const g: Record<string, unknown> = {
    decoder_start_token_id: config.decoderStartTokenId,
    bos_token_id: config.eosTokenId,
    eos_token_id: config.eosTokenId,
    pad_token_id: config.padTokenId,
    begin_suppress_tokens: config.beginSuppressTokens,
    suppress_tokens: config.suppressTokens,
    alignment_heads: config.alignmentHeads,
    is_multilingual: config.isMultilingual,
    max_length: config.maxTargetPositions,
  };
  if (config.langToId !== undefined) g.lang_to_id = config.langToId;
  if (config.taskToId !== undefined) g.task_to_id = config.taskToId;
  if (config.noTimestampsTokenId !== undefined) g.no_timestamps_token_id = config.noTimestampsTokenId;
  if (config.maxInitialTimestampIndex !== undefined)
    g.max_initial_timestamp_index = config.maxInitialTimestampIndex;
  return g;
}

function preprocessorJson(config: WhisperConfig): Record<string, unknown> {
  return {
    feature_extractor_type: 'WhisperFeatureExtractor',
    feature_size: config.numMelBins,
    sampling_rate: 16000,
    hop_length: 160,
    n_fft: 400,
    chunk_length: config.chunkLengthSec,
    n_samples: config.windowSamples,
    nb_max_frames: config.windowFrames,
    padding_side: 'right',
    padding_value: 0.0,
    return_attention_mask: false,
  };
}

async function readJsonOr(path: string, fallback: Record<string, unknown>): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return fallback;
  }
}

/**
 * Exports `source` (a checkpoint folder or a WeightSource) in the optimum/transformers.js layout.
 * Graphs use plain ONNX ops by default (`fused: false`), as optimum's exports do.
 * @throws AppError CHECKPOINT_INVALID for a missing, mis-sized or non-finite tensor
 * @throws AppError MODEL_NOT_FOUND when the checkpoint folder does not exist
 */
export async function exportOptimum(
  source: string | WeightSource,
  config: WhisperConfig,
  outDir: string,
  options: ExportOptimumOptions = {},
): Promise<ExportOptimumResult> {
  const checkpoint = typeof source === 'string' ? await HfCheckpoint.open(source) : undefined;
  try {
    const weights: WeightSource =
      checkpoint !== undefined ? (name) => checkpoint.readF32(name) : (source as WeightSource);
    const sourceDir = options.sourceDir ?? checkpoint?.dir;
    const graphOptions: WhisperGraphOptions = {
      fused: options.fused ?? false,
      weightType: options.weightType ?? 'float32',
    };
    const threshold = options.externalDataThresholdBytes ?? DEFAULT_EXTERNAL_DATA_THRESHOLD_BYTES;
    await mkdir(join(outDir, 'onnx'), { recursive: true });
    const files: string[] = [];
    const externalFiles: Record<string, number> = {};
    // One graph at a time keeps peak memory at one graph's transposed weights.
    for (const [fileName, build] of [
      [
        'encoder_model.onnx',
        () => buildEncoderGraphWithWeights(config, weights, { ...graphOptions, crossKv: false }),
      ],
      ['decoder_model_merged.onnx', () => buildOptimumDecoderGraph(config, weights, graphOptions)],
    ] as const) {
      const written = await writeGraph(outDir, fileName, await build(), threshold);
      files.push(...written.files);
      if (written.external) externalFiles[fileName] = 1;
    }

    const configJson = await readJsonOr(join(sourceDir ?? '', 'config.json'), hfConfigJson(config));
    if (sourceDir === undefined) Object.assign(configJson, hfConfigJson(config));
    configJson.is_encoder_decoder = true; // transformers.js picks its seq2seq generate path on it
    const tjsConfig = {
      ...((configJson['transformers.js_config'] as Record<string, unknown> | undefined) ?? {}),
    };
    if (Object.keys(externalFiles).length > 0) tjsConfig.use_external_data_format = externalFiles;
    else delete tjsConfig.use_external_data_format;
    configJson['transformers.js_config'] = tjsConfig;
    await writeAtomic(join(outDir, 'config.json'), JSON.stringify(configJson, null, 2));
    files.push('config.json');
    for (const [name, make] of [
      ['generation_config.json', generationConfigJson],
      ['preprocessor_config.json', preprocessorJson],
    ] as const) {
      const json =
        sourceDir === undefined ? make(config) : await readJsonOr(join(sourceDir, name), make(config));
      await writeAtomic(join(outDir, name), JSON.stringify(json, null, 2));
      files.push(name);
    }
    if (sourceDir !== undefined) {
      for (const name of TOKENIZER_FILE_NAMES) {
        try {
          await copyFile(join(sourceDir, name), join(outDir, name));
          files.push(name);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
            throw new AppError('INTERNAL', `Cannot copy ${name} to ${outDir}: ${(e as Error).message}`, {
              cause: e,
            });
          }
        }
      }
    }
    return { files };
  } finally {
    await checkpoint?.close();
  }
}
