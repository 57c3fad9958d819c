/**
 * The decoder in HF optimum's merged layout (`decoder_model_merged.onnx`), the one transformers.js
 * runs (ref: /work/shared/reference/whisper.md §5.1): inputs `input_ids` int64,
 * `encoder_hidden_states`, `past_key_values.{i}.{decoder,encoder}.{key,value}` (BNSH) and
 * `use_cache_branch` bool [1]; outputs `logits` [B, S, V] and `present.{i}.*`.
 *
 * Instead of optimum's `If` between two whole decoders, one graph serves both branches: the
 * self-attention concatenates onto a (possibly empty) past, and a small `If` on
 * `use_cache_branch` only chooses where the cross-attention K/V come from — the cached
 * `past_key_values.{i}.encoder.*` (then) or a projection of `encoder_hidden_states` (else).
 */
import type { WhisperConfig } from '../whisper-config.js';
import { addDecoderBody, addTiedLogits } from './decoder-body.js';
import { GraphContext, type WhisperGraphOptions } from './graph-context.js';
import {
  ONNX_BOOL,
  ONNX_FLOAT,
  ONNX_INT64,
  OnnxGraphBuilder,
  type GraphWithWeights,
} from './onnx-graph-builder.js';
import type { WeightSource } from './weight-source.js';

/** optimum names (`base.py OnnxSeq2SeqConfigWithPast.add_past_key_values`). */
export const optimumPastName = (i: number, part: 'decoder' | 'encoder', kv: 'key' | 'value'): string =>
  `past_key_values.${i}.${part}.${kv}`;
export const optimumPresentName = (i: number, part: 'decoder' | 'encoder', kv: 'key' | 'value'): string =>
  `present.${i}.${part}.${kv}`;

/**
 * Builds the merged decoder graph.
 * @throws AppError CHECKPOINT_INVALID when a tensor is missing, mis-sized or non-finite
 */
export async function buildOptimumDecoderGraph(
  config: WhisperConfig,
  weights: WeightSource,
  options: WhisperGraphOptions = {},
): Promise<GraphWithWeights> {
  const b = new OnnxGraphBuilder('whisper_decoder_merged');
  const ctx = new GraphContext(b, weights, { fused: false, ...options });
  const d = config.dModel;
  const heads = config.decoderAttentionHeads;
  const headDim = d / heads;
  const inputIds = b.input('input_ids', ONNX_INT64, ['batch_size', 'decoder_sequence_length']);
  const hidden = b.input('encoder_hidden_states', ONNX_FLOAT, [
    'batch_size',
    'encoder_sequence_length / 2',
    d,
  ]);
  const pastKeys: string[] = [];
  const pastValues: string[] = [];
  const pastCross: string[][] = [];
  for (let i = 0; i < config.decoderLayers; i++) {
    const selfDims = ['batch_size', heads, 'past_decoder_sequence_length', headDim];
    const crossDims = ['batch_size', heads, 'encoder_sequence_length_out', headDim];
    pastKeys.push(b.input(optimumPastName(i, 'decoder', 'key'), ONNX_FLOAT, selfDims));
    pastValues.push(b.input(optimumPastName(i, 'decoder', 'value'), ONNX_FLOAT, selfDims));
    pastCross.push([
      b.input(optimumPastName(i, 'encoder', 'key'), ONNX_FLOAT, crossDims),
      b.input(optimumPastName(i, 'encoder', 'value'), ONNX_FLOAT, crossDims),
    ]);
  }
  const useCache = b.input('use_cache_branch', ONNX_BOOL, [1]);

  // then: reuse the cached cross K/V and, like optimum (`_unify_onnx_outputs`), return EMPTY
  // encoder presents (callers keep the step-0 ones; re-emitting them would copy them every step);
  // else: project the encoder output (first step) and return it as the encoder presents.
  const thenB = b.subgraph('use_cache_then');
  const elseB = b.subgraph('use_cache_else');
  const elseCtx = new GraphContext(elseB, weights, { fused: false, ...options });
  const crossKeys: string[] = [];
  const crossValues: string[] = [];
  for (let i = 0; i < config.decoderLayers; i++) {
    const ck = b.uniq(`cross_key_${i}`);
    const cv = b.uniq(`cross_value_${i}`);
    crossKeys.push(ck);
    crossValues.push(cv);
    for (const [j, name] of [ck, cv].entries()) {
      thenB.node('Identity', [pastCross[i][j]], [`${name}_then`]);
      thenB.output(`${name}_then`, ONNX_FLOAT);
    }
    for (const kv of ['key', 'value'] as const) {
      const empty = thenB.constant('empty_present', new Float32Array(0), [0, heads, 0, headDim]);
      thenB.node('Identity', [empty], [`${optimumPresentName(i, 'encoder', kv)}_then`]);
      thenB.output(`${optimumPresentName(i, 'encoder', kv)}_then`, ONNX_FLOAT);
    }
    const lp = `model.decoder.layers.${i}.encoder_attn`;
    const k = await elseCtx.linear(`${lp}.k_proj`, d, d, false);
    const v = await elseCtx.linear(`${lp}.v_proj`, d, d);
    elseB.node(
      'Identity',
      [elseCtx.splitHeads(elseCtx.linearApply(hidden, k), heads, headDim)],
      [`${ck}_else`],
    );
    elseB.node(
      'Identity',
      [elseCtx.splitHeads(elseCtx.linearApply(hidden, v), heads, headDim)],
      [`${cv}_else`],
    );
    elseB.output(`${ck}_else`, ONNX_FLOAT);
    elseB.output(`${cv}_else`, ONNX_FLOAT);
    for (const [kv, value] of [
      ['key', ck],
      ['value', cv],
    ] as const) {
      elseB.node('Identity', [`${value}_else`], [`${optimumPresentName(i, 'encoder', kv)}_else`]);
      elseB.output(`${optimumPresentName(i, 'encoder', kv)}_else`, ONNX_FLOAT);
    }
  }
  const ifOutputs: string[] = [];
  for (let i = 0; i < config.decoderLayers; i++) {
    ifOutputs.push(
      crossKeys[i],
      crossValues[i],
      optimumPresentName(i, 'encoder', 'key'),
      optimumPresentName(i, 'encoder', 'value'),
    );
  }
  b.node('If', [useCache], ifOutputs, {
    then_branch: { graph: thenB.graph() },
    else_branch: { graph: elseB.graph() },
  });

  const body = await addDecoderBody(ctx, config, { inputIds, pastKeys, pastValues, crossKeys, crossValues });
  b.node('Identity', [addTiedLogits(ctx, body.hidden, body.embedTokens, config.vocabSize, d)], ['logits']);
  b.output('logits', ONNX_FLOAT, ['batch_size', 'decoder_sequence_length', config.vocabSize]);
  for (let i = 0; i < config.decoderLayers; i++) {
    const selfOut = ['batch_size', heads, 'past_decoder_sequence_length + 1', headDim];
    const crossOut = ['batch_size', heads, 'encoder_sequence_length_out', headDim];
    const outs: [string, 'decoder' | 'encoder', 'key' | 'value', readonly (string | number)[]][] = [
      [body.presentKeys[i], 'decoder', 'key', selfOut],
      [body.presentValues[i], 'decoder', 'value', selfOut],
    ];
    for (const [value, part, kv, dims] of outs) {
      b.node('Identity', [value], [optimumPresentName(i, part, kv)]);
      b.output(optimumPresentName(i, part, kv), ONNX_FLOAT, dims);
    }
    b.output(optimumPresentName(i, 'encoder', 'key'), ONNX_FLOAT, crossOut);
    b.output(optimumPresentName(i, 'encoder', 'value'), ONNX_FLOAT, crossOut);
  }
  return { graph: b.graph(), external: b.externalTensors };
}
