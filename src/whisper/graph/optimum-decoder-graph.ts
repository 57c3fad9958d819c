/**
 * The decoder in HF optimum's merged layout (`decoder_model_merged.onnx`), the one transformers.js
 * runs (ref: /work/shared/reference/whisper.md §5.1): inputs `input_ids` int64,
 * `encoder_hidden_states`, `past_key_values.{i}.{decoder,encoder}.{key,value}` (BNSH) and
 * `use_cache_branch` bool [1]; outputs `logits` [B, S, V] and `present.{i}.*`.
 *
 * Like optimum's merged export it is one `If` on `use_cache_branch` between a with-past decoder
 * (cross K/V from `past_key_values.{i}.encoder.*`) and a first-step decoder (cross K/V projected
 * from `encoder_hidden_states`), both reading the same outer-scope weights.
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

  // Both branches hold a whole decoder (as optimum's merged model does) and read the weights from
  // the outer graph, so the cached branch uses `past_key_values.*.encoder.*` in place, without
  // copying them; it returns EMPTY encoder presents (optimum `_unify_onnx_outputs`; callers keep
  // the step-0 ones).
  const scope = { builder: b, names: new Map<string, string>() };
  const outputNames: string[] = ['logits'];
  for (let i = 0; i < config.decoderLayers; i++) {
    outputNames.push(
      optimumPresentName(i, 'decoder', 'key'),
      optimumPresentName(i, 'decoder', 'value'),
      optimumPresentName(i, 'encoder', 'key'),
      optimumPresentName(i, 'encoder', 'value'),
    );
  }
  const branch = async (withPast: boolean): Promise<OnnxGraphBuilder> => {
    const sub = b.subgraph(withPast ? 'with_past' : 'without_past');
    const ctx = new GraphContext(sub, weights, { fused: false, ...options }, scope);
    const crossKeys: string[] = [];
    const crossValues: string[] = [];
    for (let i = 0; i < config.decoderLayers; i++) {
      if (withPast) {
        crossKeys.push(pastCross[i][0]);
        crossValues.push(pastCross[i][1]);
        continue;
      }
      const lp = `model.decoder.layers.${i}.encoder_attn`;
      const k = await ctx.linear(`${lp}.k_proj`, d, d, false);
      const v = await ctx.linear(`${lp}.v_proj`, d, d);
      crossKeys.push(ctx.splitHeads(ctx.linearApply(hidden, k), heads, headDim));
      crossValues.push(ctx.splitHeads(ctx.linearApply(hidden, v), heads, headDim));
    }
    const body = await addDecoderBody(ctx, config, {
      inputIds,
      pastKeys,
      pastValues,
      crossKeys,
      crossValues,
    });
    const values = [addTiedLogits(ctx, body.hidden, body.embedTokens, config.vocabSize, d)];
    for (let i = 0; i < config.decoderLayers; i++) {
      const empty = (): string => sub.constant('empty_present', new Float32Array(0), [0, heads, 0, headDim]);
      values.push(
        body.presentKeys[i],
        body.presentValues[i],
        withPast ? empty() : crossKeys[i],
        withPast ? empty() : crossValues[i],
      );
    }
    const suffix = withPast ? '_then' : '_else';
    values.forEach((value, j) => {
      sub.node('Identity', [value], [`${outputNames[j]}${suffix}`]);
      sub.output(`${outputNames[j]}${suffix}`, ONNX_FLOAT);
    });
    return sub;
  };
  const thenB = await branch(true);
  const elseB = await branch(false);
  b.node('If', [useCache], outputNames, {
    then_branch: { graph: thenB.graph() },
    else_branch: { graph: elseB.graph() },
  });
  b.output('logits', ONNX_FLOAT, ['batch_size', 'decoder_sequence_length', config.vocabSize]);
  for (let i = 0; i < config.decoderLayers; i++) {
    const selfOut = ['batch_size', heads, 'past_decoder_sequence_length + 1', headDim];
    const crossOut = ['batch_size', heads, 'encoder_sequence_length_out', headDim];
    b.output(optimumPresentName(i, 'decoder', 'key'), ONNX_FLOAT, selfOut);
    b.output(optimumPresentName(i, 'decoder', 'value'), ONNX_FLOAT, selfOut);
    b.output(optimumPresentName(i, 'encoder', 'key'), ONNX_FLOAT, crossOut);
    b.output(optimumPresentName(i, 'encoder', 'value'), ONNX_FLOAT, crossOut);
  }
  return { graph: b.graph(), external: b.externalTensors };
}
