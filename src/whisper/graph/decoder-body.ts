/**
 * The Whisper decoder layers shared by the chorus decoder graph and the optimum-layout export:
 * token + learned position embedding (positions sliced by the self-attention past length, as
 * genai does, §5.3), pre-LN layers with cached causal self-attention and cross-attention on
 * precomputed BNSH K/V, final LayerNorm (ref: /work/shared/reference/whisper.md §1.1).
 */
import type { WhisperConfig } from '../whisper-config.js';
import type { GraphContext, LinearNames } from './graph-context.js';

/** Value names the body reads. K/V tensors are [B, heads, len, headDim]. */
export interface DecoderBodyInputs {
  /** Token ids [B, S] (int32 or int64). */
  readonly inputIds: string;
  readonly pastKeys: readonly string[];
  readonly pastValues: readonly string[];
  readonly crossKeys: readonly string[];
  readonly crossValues: readonly string[];
  /** [layer, head] pairs whose cross-attention probabilities are emitted, in this order. */
  readonly alignmentHeads?: readonly (readonly [number, number])[];
}

/** Value names the body produces. */
export interface DecoderBodyOutputs {
  /** Final-LayerNorm hidden states [B, S, d]. */
  readonly hidden: string;
  readonly presentKeys: readonly string[];
  readonly presentValues: readonly string[];
  /** [B, alignmentHeads.length, S, T] when alignment heads were requested. */
  readonly alignment?: string;
  /** The embedding table [V, d] (reused by the tied output projection): float32 in `w`, or
   *  block-quantized in `int8`. */
  readonly embedTokens: LinearNames;
}

/** Adds the decoder layers to `ctx`'s graph. */
export async function addDecoderBody(
  ctx: GraphContext,
  config: WhisperConfig,
  io: DecoderBodyInputs,
): Promise<DecoderBodyOutputs> {
  const { b } = ctx;
  const d = config.dModel;
  const heads = config.decoderAttentionHeads;
  const headDim = d / heads;
  const ffn = config.decoderFfnDim;
  const p = 'model.decoder';

  const embed = await ctx.table(`${p}.embed_tokens.weight`, config.vocabSize, d);
  const posTable = await ctx.tensor(`${p}.embed_positions.weight`, [config.maxTargetPositions, d]);
  const past = b.op('Shape', [io.pastKeys[0]], { start: 2, end: 3 });
  const seqLen = b.op('Shape', [io.inputIds], { start: 1, end: 2 });
  const pos = b.op('Slice', [posTable, past, b.op('Add', [past, seqLen]), b.ints('axis0', [0])]);
  const tokens =
    embed.int8 === undefined
      ? b.op('Gather', [embed.w, io.inputIds], { axis: 0 })
      : ctx.gatherInt8(embed.int8, io.inputIds);
  let residual = b.op('Add', [tokens, pos]);

  const alignment = io.alignmentHeads ?? [];
  const probsByLayer = new Map<number, string>();
  const presentKeys: string[] = [];
  const presentValues: string[] = [];
  let normed = ctx.layerNorm(residual, await ctx.norm(`${p}.layers.0.self_attn_layer_norm`, d));
  for (let i = 0; i < config.decoderLayers; i++) {
    const lp = `${p}.layers.${i}`;
    // Self-attention with KV cache (causal).
    const qkv = await ctx.packedQkv(`${lp}.self_attn`, d);
    const out = await ctx.linear(`${lp}.self_attn.out_proj`, d, d);
    let selfAttn: string;
    if (ctx.fused) {
      const [q, k, v] = b.node('Split', [ctx.matmul(normed, qkv)], 3, { axis: 2 });
      const [o, pk, pv] = b.node(
        'MultiHeadAttention',
        [q, k, v, qkv.bias as string, '', '', io.pastKeys[i], io.pastValues[i]],
        3,
        { num_heads: heads, unidirectional: 1 },
        'com.microsoft',
      );
      selfAttn = o;
      presentKeys.push(pk);
      presentValues.push(pv);
    } else {
      const [q, k, v] = b.node('Split', [ctx.linearApply(normed, qkv)], 3, { axis: 2 });
      const pk = b.op('Concat', [io.pastKeys[i], ctx.splitHeads(k, heads, headDim)], { axis: 2 });
      const pv = b.op('Concat', [io.pastValues[i], ctx.splitHeads(v, heads, headDim)], { axis: 2 });
      selfAttn = ctx.plainAttention(ctx.splitHeads(q, heads, headDim), pk, pv, heads, headDim, past);
      presentKeys.push(pk);
      presentValues.push(pv);
    }
    const r1 = ctx.addNorm(
      ctx.matmul(selfAttn, out),
      out.bias,
      residual,
      await ctx.norm(`${lp}.encoder_attn_layer_norm`, d),
    );

    // Cross-attention on the precomputed encoder K/V. Fused: q comes out of q_proj pre-scaled by
    // 1/√hd (exact for hd = 64, a power of two) so that q·Kᵀ is a FusedMatMul with alpha 1 straight
    // on the BNSH keys (ORT's single-row GEMM path needs alpha 1); com.microsoft.MultiHeadAttention
    // took ~1.5x as long per token step for the same work (tiny: ~1.4 vs ~0.95 ms over 4 layers,
    // bench/whisper/decoder-profile.ts).
    const needsAlignment = alignment.some(([layer]) => layer === i);
    const cout = await ctx.linear(`${lp}.encoder_attn.out_proj`, d, d);
    let crossAttn: string;
    if (ctx.fused) {
      const q = ctx.linearApply(
        r1.normed,
        await ctx.scaledLinear(`${lp}.encoder_attn.q_proj`, d, d, 1 / Math.sqrt(headDim)),
      );
      const scores = b.op(
        'FusedMatMul',
        [ctx.splitHeads(q, heads, headDim), io.crossKeys[i]],
        { transB: 1 },
        'com.microsoft',
      );
      const probs = b.op('Softmax', [scores], { axis: -1 });
      crossAttn = ctx.mergeHeads(b.op('MatMul', [probs, io.crossValues[i]]), heads, headDim);
      if (needsAlignment) probsByLayer.set(i, probs);
    } else {
      const cq = ctx.linearApply(r1.normed, await ctx.linear(`${lp}.encoder_attn.q_proj`, d, d));
      crossAttn = ctx.plainAttention(
        ctx.splitHeads(cq, heads, headDim),
        io.crossKeys[i],
        io.crossValues[i],
        heads,
        headDim,
      );
      if (needsAlignment) {
        probsByLayer.set(i, ctx.attentionProbs(ctx.splitHeads(cq, heads, headDim), io.crossKeys[i], headDim));
      }
    }
    const r2 = ctx.addNorm(
      ctx.matmul(crossAttn, cout),
      cout.bias,
      r1.sum,
      await ctx.norm(`${lp}.final_layer_norm`, d),
    );

    // MLP.
    const fc1 = await ctx.linear(`${lp}.fc1`, d, ffn);
    const fc2 = await ctx.linear(`${lp}.fc2`, ffn, d);
    const nextNorm =
      i + 1 < config.decoderLayers ? `${p}.layers.${i + 1}.self_attn_layer_norm` : `${p}.layer_norm`;
    const r3 = ctx.addNorm(
      ctx.mlpWithoutOutBias(r2.normed, fc1, fc2),
      fc2.bias,
      r2.sum,
      await ctx.norm(nextNorm, d),
    );
    residual = r3.sum;
    normed = r3.normed;
  }

  const result: { -readonly [K in keyof DecoderBodyOutputs]: DecoderBodyOutputs[K] } = {
    hidden: normed,
    embedTokens: embed,
    presentKeys,
    presentValues,
  };
  if (alignment.length > 0) {
    const picked = alignment.map(([layer, head]) => {
      const probs = probsByLayer.get(layer);
      if (probs === undefined || head < 0 || head >= heads) {
        throw new RangeError(`alignment head [${layer}, ${head}] is outside the decoder`);
      }
      return b.op('Gather', [probs, b.ints('head', [head])], { axis: 1 });
    });
    result.alignment = picked.length === 1 ? picked[0] : b.op('Concat', picked, { axis: 1 });
  }
  return result;
}

/** logits = hidden · embed_tokensᵀ (proj_out is tied; Gemm transB avoids a transposed copy, and
 *  MatMulNBits takes the quantized table in its own [V, d] layout). */
export function addTiedLogits(
  ctx: GraphContext,
  hidden: string,
  embedTokens: LinearNames,
  vocabSize: number,
  d: number,
): string {
  const { b } = ctx;
  const flat = b.op('Reshape', [hidden, b.ints('shape_flat', [-1, d])]);
  const logits2d =
    embedTokens.int8 === undefined
      ? b.op('Gemm', [flat, embedTokens.w], { transB: 1 })
      : ctx.matmulInt8(flat, embedTokens.int8);
  const outShape = b.op(
    'Concat',
    [b.op('Shape', [hidden], { start: 0, end: 2 }), b.ints('vocab', [vocabSize])],
    {
      axis: 0,
    },
  );
  return b.op('Reshape', [logits2d, outShape]);
}
