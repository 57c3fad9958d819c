/**
 * The Whisper encoder as an ONNX graph: conv1+GELU, conv2(stride 2)+GELU, + positions, pre-LN
 * transformer layers, final LayerNorm (ref: /work/shared/reference/whisper.md §1.1). Like
 * onnxruntime-genai's `encoder.onnx` (§5.3) it can also emit each DECODER layer's cross-attention
 * K/V in BNSH layout, so they are computed once per window; looping over the decoder's layer count
 * (not the encoder's) is what makes turbo (32 encoder / 4 decoder layers) work.
 */
import { AppError } from '../../shared/index.js';
import type { WhisperConfig } from '../whisper-config.js';
import { GraphContext, type WhisperGraphOptions } from './graph-context.js';
import {
  ONNX_FLOAT,
  OnnxGraphBuilder,
  serializeInMemory,
  type BuiltModel,
  type GraphWithWeights,
} from './onnx-graph-builder.js';
import { readWeight, type WeightSource } from './weight-source.js';

/** Graph I/O names of the chorus encoder. */
export const ENCODER_INPUT = 'input_features';
export const ENCODER_OUTPUT = 'last_hidden_state';
/** Cross-attention key/value of decoder layer `i`, [batch, heads, positions, headDim]. */
export const crossKeyName = (i: number): string => `cross_key_${i}`;
export const crossValueName = (i: number): string => `cross_value_${i}`;

/** Encoder build options. */
export interface EncoderGraphOptions extends WhisperGraphOptions {
  /** Also output cross-attention K/V for every decoder layer (default true). */
  readonly crossKv?: boolean;
  /** Output name of the hidden states (default `last_hidden_state`). */
  readonly outputName?: string;
}

/**
 * Builds the encoder ModelProto with the weights as in-memory external data.
 * @throws AppError CHECKPOINT_INVALID when a tensor is missing, mis-sized or non-finite
 */
export async function buildEncoderGraph(
  config: WhisperConfig,
  weights: WeightSource,
  options: EncoderGraphOptions = {},
): Promise<BuiltModel> {
  return serializeInMemory(await buildEncoderGraphWithWeights(config, weights, options), ENCODER_OPSETS);
}

/** Opsets of the encoder graph (LayerNormalization needs 17; contrib ops live in com.microsoft). */
export const ENCODER_OPSETS = { onnx: 17, microsoft: 1 } as const;

/**
 * The encoder graph before serialization (the optimum exporter writes its weights to a file).
 * @throws AppError CHECKPOINT_INVALID when a tensor is missing, mis-sized or non-finite
 */
export async function buildEncoderGraphWithWeights(
  config: WhisperConfig,
  weights: WeightSource,
  options: EncoderGraphOptions = {},
): Promise<GraphWithWeights> {
  const b = new OnnxGraphBuilder('whisper_encoder');
  // int8 weights are the decoder's: the encoder is bound by FLOPs, not weight bytes (one pass per
  // window); measured with int8 (MatMulNBits + MultiHeadAttention) it ran 0.98-1.06x the float32
  // time for tiny and base shapes (2026-12-06, AMD EPYC 2 vCPU, machine loaded), so it stays float32.
  const ctx = new GraphContext(
    b,
    weights,
    options.weightType === 'int8' ? { ...options, weightType: 'float32' } : options,
  );
  const d = config.dModel;
  const heads = config.encoderAttentionHeads;
  const headDim = d / heads;
  const positions = config.maxSourcePositions;
  const ffn = config.encoderFfnDim;
  const p = 'model.encoder';

  const x = b.input(ENCODER_INPUT, ONNX_FLOAT, ['batch_size', config.numMelBins, config.windowFrames]);
  const conv = async (name: string, input: string, dIn: number, stride: number): Promise<string> => {
    const w = await ctx.tensor(`${p}.${name}.weight`, [d, dIn, 3]);
    const bias = await ctx.vector(`${p}.${name}.bias`, d);
    const y = b.op('Conv', [input, w, bias], { kernel_shape: [3], pads: [1, 1], strides: [stride] });
    return ctx.gelu(y);
  };
  const c1 = await conv('conv1', x, config.numMelBins, 1);
  const c2 = await conv('conv2', c1, d, 2);
  const seq = b.op('Transpose', [c2], { perm: [0, 2, 1] });
  // The checkpoint holds 1500 rows; a shorter window (max_source_positions < 1500) uses the first rows.
  const posName = `${p}.embed_positions.weight`;
  const posAll = await readWeight(weights, posName, -1);
  if (posAll.length < positions * d) {
    throw new AppError(
      'CHECKPOINT_INVALID',
      `Cannot use tensor ${posName}: fewer than ${positions} rows of ${d}`,
    );
  }
  const pos = posAll.subarray(0, positions * d);
  let residual = b.op('Add', [seq, ctx.addWeight(posName, pos, [positions, d])]);

  let normed = ctx.layerNorm(residual, await ctx.norm(`${p}.layers.0.self_attn_layer_norm`, d));
  for (let i = 0; i < config.encoderLayers; i++) {
    const lp = `${p}.layers.${i}`;
    const qkv = await ctx.packedQkv(`${lp}.self_attn`, d);
    const out = await ctx.linear(`${lp}.self_attn.out_proj`, d, d);
    let attn: string;
    if (ctx.fused) {
      attn = b.op('Attention', [normed, qkv.w, qkv.bias as string], { num_heads: heads }, 'com.microsoft');
    } else {
      const packed = ctx.linearApply(normed, qkv);
      const [q, k, v] = b.node('Split', [packed], 3, { axis: 2 });
      attn = ctx.plainAttention(
        ctx.splitHeads(q, heads, headDim),
        ctx.splitHeads(k, heads, headDim),
        ctx.splitHeads(v, heads, headDim),
        heads,
        headDim,
      );
    }
    const r1 = ctx.addNorm(
      ctx.matmul(attn, out),
      out.bias,
      residual,
      await ctx.norm(`${lp}.final_layer_norm`, d),
    );
    const fc1 = await ctx.linear(`${lp}.fc1`, d, ffn);
    const fc2 = await ctx.linear(`${lp}.fc2`, ffn, d);
    const nextNorm =
      i + 1 < config.encoderLayers ? `${p}.layers.${i + 1}.self_attn_layer_norm` : `${p}.layer_norm`;
    const r2 = ctx.addNorm(
      ctx.mlpWithoutOutBias(r1.normed, fc1, fc2),
      fc2.bias,
      r1.sum,
      await ctx.norm(nextNorm, d),
    );
    residual = r2.sum;
    normed = r2.normed;
  }
  const outputName = options.outputName ?? ENCODER_OUTPUT;
  b.node('Identity', [normed], [outputName]);
  b.output(outputName, ONNX_FLOAT, ['batch_size', positions, d]);

  if (options.crossKv ?? true) {
    const dh = config.decoderAttentionHeads;
    const dHeadDim = d / dh;
    for (let i = 0; i < config.decoderLayers; i++) {
      const lp = `model.decoder.layers.${i}.encoder_attn`;
      const k = await ctx.linear(`${lp}.k_proj`, d, d, false);
      const v = await ctx.linear(`${lp}.v_proj`, d, d);
      b.node('Identity', [ctx.splitHeads(ctx.linearApply(normed, k), dh, dHeadDim)], [crossKeyName(i)]);
      b.node('Identity', [ctx.splitHeads(ctx.linearApply(normed, v), dh, dHeadDim)], [crossValueName(i)]);
      b.output(crossKeyName(i), ONNX_FLOAT, ['batch_size', dh, positions, dHeadDim]);
      b.output(crossValueName(i), ONNX_FLOAT, ['batch_size', dh, positions, dHeadDim]);
    }
  }
  return { graph: b.graph(), external: b.externalTensors };
}
