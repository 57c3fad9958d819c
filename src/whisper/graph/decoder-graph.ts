/**
 * The chorus decoder graph (genai-style I/O, ref: /work/shared/reference/whisper.md §5.3):
 * `input_ids` int32 [B, S], `logits_last_n` int64 [1] (how many trailing positions get logits),
 * `past_key_self_{i}`/`past_value_self_{i}` [B, H, P, hd] (P may be 0),
 * `cross_key_{i}`/`cross_value_{i}` [B, H, T, hd] from the encoder graph;
 * outputs `logits` [B, n, V], `present_key_self_{i}`/`present_value_self_{i}` [B, H, P+S, hd] and,
 * in the alignment variant, `cross_attention` [B, alignmentHeads, S, T] (softmax(q·kᵀ/√hd) of the
 * alignment heads, for word timestamps; ref §4.8, openai/whisper timing.py).
 */
import type { WhisperConfig } from '../whisper-config.js';
import { addDecoderBody, addTiedLogits } from './decoder-body.js';
import { crossKeyName, crossValueName } from './encoder-graph.js';
import { GraphContext, type WhisperGraphOptions } from './graph-context.js';
import {
  ONNX_FLOAT,
  ONNX_INT32,
  ONNX_INT64,
  OnnxGraphBuilder,
  buildModel,
  type BuiltModel,
} from './onnx-graph-builder.js';
import type { WeightSource } from './weight-source.js';

export const DECODER_INPUT_IDS = 'input_ids';
export const DECODER_LOGITS_LAST_N = 'logits_last_n';
export const DECODER_LOGITS = 'logits';
export const DECODER_CROSS_ATTENTION = 'cross_attention';
export const pastKeyName = (i: number): string => `past_key_self_${i}`;
export const pastValueName = (i: number): string => `past_value_self_${i}`;
export const presentKeyName = (i: number): string => `present_key_self_${i}`;
export const presentValueName = (i: number): string => `present_value_self_${i}`;

/** Decoder build options. */
export interface DecoderGraphOptions extends WhisperGraphOptions {
  /** Emit `cross_attention` for these [layer, head] pairs (the word-timestamp variant). */
  readonly alignmentHeads?: readonly (readonly [number, number])[];
}

/**
 * Builds the decoder ModelProto with the weights as in-memory external data.
 * @throws AppError CHECKPOINT_INVALID when a tensor is missing, mis-sized or non-finite
 */
export async function buildDecoderGraph(
  config: WhisperConfig,
  weights: WeightSource,
  options: DecoderGraphOptions = {},
): Promise<BuiltModel> {
  const b = new OnnxGraphBuilder('whisper_decoder');
  const ctx = new GraphContext(b, weights, options);
  const heads = config.decoderAttentionHeads;
  const headDim = config.dModel / heads;
  const inputIds = b.input(DECODER_INPUT_IDS, ONNX_INT32, ['batch_size', 'sequence_length']);
  const lastN = b.input(DECODER_LOGITS_LAST_N, ONNX_INT64, [1]);
  const pastKeys: string[] = [];
  const pastValues: string[] = [];
  const crossKeys: string[] = [];
  const crossValues: string[] = [];
  for (let i = 0; i < config.decoderLayers; i++) {
    const selfDims = ['batch_size', heads, 'past_sequence_length', headDim];
    const crossDims = ['batch_size', heads, 'encoder_sequence_length', headDim];
    pastKeys.push(b.input(pastKeyName(i), ONNX_FLOAT, selfDims));
    pastValues.push(b.input(pastValueName(i), ONNX_FLOAT, selfDims));
    crossKeys.push(b.input(crossKeyName(i), ONNX_FLOAT, crossDims));
    crossValues.push(b.input(crossValueName(i), ONNX_FLOAT, crossDims));
  }
  const body = await addDecoderBody(ctx, config, {
    inputIds,
    pastKeys,
    pastValues,
    crossKeys,
    crossValues,
    ...(options.alignmentHeads !== undefined ? { alignmentHeads: options.alignmentHeads } : {}),
  });
  // Only the trailing `logits_last_n` positions go through the [d, V] projection: a 200-token
  // prompt would otherwise cost 200× the vocabulary matmul of one step.
  const negN = b.op('Neg', [lastN]);
  const tail = b.op('Slice', [body.hidden, negN, b.ints('int_max', [2 ** 31 - 1]), b.ints('axis1', [1])]);
  const logits = addTiedLogits(ctx, tail, body.embedTokens, config.vocabSize, config.dModel);
  b.node('Identity', [logits], [DECODER_LOGITS]);
  b.output(DECODER_LOGITS, ONNX_FLOAT, ['batch_size', 'logits_length', config.vocabSize]);
  const presentDims = ['batch_size', heads, 'total_sequence_length', headDim];
  for (let i = 0; i < config.decoderLayers; i++) {
    b.node('Identity', [body.presentKeys[i]], [presentKeyName(i)]);
    b.node('Identity', [body.presentValues[i]], [presentValueName(i)]);
    b.output(presentKeyName(i), ONNX_FLOAT, presentDims);
    b.output(presentValueName(i), ONNX_FLOAT, presentDims);
  }
  if (body.alignment !== undefined) {
    b.node('Identity', [body.alignment], [DECODER_CROSS_ATTENTION]);
    b.output(DECODER_CROSS_ATTENTION, ONNX_FLOAT, [
      'batch_size',
      options.alignmentHeads?.length ?? 0,
      'sequence_length',
      'encoder_sequence_length',
    ]);
  }
  return buildModel(b, { onnx: 17, microsoft: 1 });
}
