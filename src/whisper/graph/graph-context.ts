/**
 * Shared building blocks of the Whisper encoder/decoder graphs: weight loading (transposed to
 * MatMul layout, optional fp16 storage), LayerNorm/residual, GELU and attention, each in a
 * fused (ONNX Runtime contrib ops, as onnxruntime-genai's builder emits them) and a plain-op form.
 * ref: /work/shared/reference/whisper.md §1.1 (forward pass), §5.3 (genai ops), §6 (ORT ops).
 */
import { float32ToFloat16Into } from '../../shared/index.js';
import { blockQuantize8, type BlockQuantized8 } from './block-quantize.js';
import { ONNX_FLOAT, type OnnxGraphBuilder } from './onnx-graph-builder.js';
import { readWeight, transposeInto, type WeightSource } from './weight-source.js';

/** How the graphs are built. */
export interface WhisperGraphOptions {
  /** Use ONNX Runtime contrib ops (MultiHeadAttention, Attention, SkipLayerNormalization, BiasGelu,
   *  Gelu). Default true; false gives plain ONNX opset-17 ops (portable, used by the optimum export). */
  readonly fused?: boolean;
  /** Initializer storage: 'float16' halves weight memory (GPU path); each weight is Cast to float32
   *  where it is used, so activations stay float32. 'int8' (decoder graph; the encoder builds
   *  float32): the linear layers and the tied embedding (lookup and output projection) are stored
   *  as 8-bit blocks of 32 with a float32 scale each (block-quantize.ts) and multiplied by
   *  `com.microsoft.MatMulNBits` with int8 activations (accuracy_level 4): a quarter of the weight
   *  bytes per decoded token, which is what bounds a decoder step; LayerNorm, biases and positions
   *  stay float32. Default 'float32'. */
  readonly weightType?: WeightType;
}

/** How graph weights are stored, see {@link WhisperGraphOptions.weightType}. */
export type WeightType = 'float32' | 'float16' | 'int8';
export const WEIGHT_TYPES: readonly WeightType[] = ['float32', 'float16', 'int8'];

/** MatMulNBits accuracy level 4: A is quantized to int8 per block and the dot products run in int8
 *  (level 0 dequantizes B to float32 on every call: ~70× slower for a decoder step). */
const INT8_ACCURACY_LEVEL = 4;

/** Whisper LayerNorm epsilon (torch nn.LayerNorm default; ref §1.1). */
export const LAYER_NORM_EPSILON = 1e-5;
const MS = 'com.microsoft';

/** A linear layer in MatMul layout: `w` is [in, out]; `bias` absent for k_proj. With int8 weights
 *  `w` is the codes of `int8` (layout [out, in] in blocks) and `matmul` runs MatMulNBits. */
export interface LinearNames {
  readonly w: string;
  readonly bias?: string;
  readonly int8?: Int8Weight;
}

/** Value names of one block-quantized weight [n, k] and MatMulNBits' attributes. */
export interface Int8Weight {
  readonly codes: string;
  readonly scales: string;
  readonly zeroPoints: string;
  readonly n: number;
  readonly k: number;
  readonly blockSize: number;
  readonly kBlocks: number;
}

/** The residual stream after a sub-layer: the normalised input of the next sub-layer and the sum. */
export interface Residual {
  readonly normed: string;
  readonly sum: string;
}

/** Where weights go: the graph that holds them as initializers and the names already added
 *  (so `If` branches share outer-scope weights instead of duplicating them). */
export interface WeightScope {
  readonly builder: OnnxGraphBuilder;
  readonly names: Map<string, string>;
}

/** Quantized weights already added to a scope (shared by the contexts of a graph and its subgraphs). */
const int8WeightsByScope = new WeakMap<WeightScope, Map<string, Int8Weight>>();

/** Graph builder + weight source + build options for one graph. */
export class GraphContext {
  readonly fused: boolean;
  readonly fp16: boolean;
  readonly int8: boolean;
  readonly weightScope: WeightScope;

  /** `weightScope` defaults to `b` itself; pass a parent's scope when `b` is a subgraph. */
  constructor(
    readonly b: OnnxGraphBuilder,
    readonly source: WeightSource,
    options: WhisperGraphOptions = {},
    weightScope?: WeightScope,
  ) {
    this.fused = options.fused ?? true;
    this.fp16 = options.weightType === 'float16';
    this.int8 = options.weightType === 'int8';
    this.weightScope = weightScope ?? { builder: b, names: new Map() };
  }

  /** Adds a float32 weight (stored as fp16 + Cast when fp16 is on); returns a float32 value name. */
  addWeight(name: string, data: Float32Array, dims: readonly number[]): string {
    const known = this.weightScope.names.get(name);
    if (known !== undefined) return known;
    const wb = this.weightScope.builder;
    let value: string;
    if (!this.fp16) {
      value = wb.weight(name, data, dims);
    } else {
      const bits = float32ToFloat16Into(new Uint16Array(data.length), data);
      value = wb.op('Cast', [wb.weight(`${name}.fp16`, bits, dims)], { to: ONNX_FLOAT });
    }
    this.weightScope.names.set(name, value);
    return value;
  }

  /** Loads (once per scope) a weight named `name`, built by `make` on first use. */
  async #once(
    name: string,
    make: () => Promise<{ data: Float32Array; dims: readonly number[] }>,
  ): Promise<string> {
    const known = this.weightScope.names.get(name);
    if (known !== undefined) return known;
    const { data, dims } = await make();
    return this.addWeight(name, data, dims);
  }

  /** Loads a 1-D parameter as-is. */
  vector(name: string, n: number): Promise<string> {
    return this.#once(name, async () => ({ data: await readWeight(this.source, name, n), dims: [n] }));
  }

  /** Loads a tensor as-is with its PyTorch shape. */
  tensor(name: string, dims: readonly number[]): Promise<string> {
    const n = dims.reduce((a, c) => a * c, 1);
    return this.#once(name, async () => ({ data: await readWeight(this.source, name, n), dims }));
  }

  /** Loads a [rows, cols] table used as rows and as a matrix (the tied embedding): float32 as-is,
   *  or block-quantized in its own [rows, cols] layout with int8 weights. */
  async table(name: string, rows: number, cols: number): Promise<LinearNames> {
    if (!this.int8) return { w: await this.tensor(name, [rows, cols]) };
    const int8 = await this.quantizedWeight(name, rows, cols, () =>
      readWeight(this.source, name, rows * cols),
    );
    return { w: int8.codes, int8 };
  }

  /** Adds (once per scope) the block-quantized form of the [n, k] weight that `make` reads. */
  async quantizedWeight(
    name: string,
    n: number,
    k: number,
    make: () => Promise<Float32Array>,
    scale = 1,
  ): Promise<Int8Weight> {
    let cache = int8WeightsByScope.get(this.weightScope);
    if (cache === undefined) int8WeightsByScope.set(this.weightScope, (cache = new Map()));
    const known = cache.get(name);
    if (known !== undefined) return known;
    const q: BlockQuantized8 = blockQuantize8(await make(), n, k, undefined, scale);
    const wb = this.weightScope.builder;
    const weight: Int8Weight = {
      codes: wb.weight(`${name}.q8`, q.codes, [n, q.kBlocks, q.blockSize]),
      scales: wb.weight(`${name}.q8_scales`, q.scales, [n, q.kBlocks]),
      zeroPoints: wb.weight(`${name}.q8_zero_points`, q.zeroPoints, [n, q.kBlocks]),
      n,
      k,
      blockSize: q.blockSize,
      kBlocks: q.kBlocks,
    };
    cache.set(name, weight);
    return weight;
  }

  /** Loads `prefix.weight` [out, in] (+ `prefix.bias`) transposed to [in, out] for MatMul. */
  async linear(prefix: string, dIn: number, dOut: number, hasBias = true): Promise<LinearNames> {
    if (this.int8) {
      const int8 = await this.quantizedWeight(`${prefix}.weight`, dOut, dIn, () =>
        readWeight(this.source, `${prefix}.weight`, dIn * dOut),
      );
      if (!hasBias) return { w: int8.codes, int8 };
      return { w: int8.codes, int8, bias: await this.vector(`${prefix}.bias`, dOut) };
    }
    const wName = await this.#once(`${prefix}.weight.T`, async () => {
      const w = await readWeight(this.source, `${prefix}.weight`, dIn * dOut);
      return { data: transposeInto(new Float32Array(w.length), w, dOut, dIn), dims: [dIn, dOut] };
    });
    if (!hasBias) return { w: wName };
    return { w: wName, bias: await this.vector(`${prefix}.bias`, dOut) };
  }

  /**
   * `linear` with weight and bias multiplied by `scale`. Used with scale = 1/√headDim = 2⁻³ (head
   * size 64): a power of two, so x·(sW) + sb equals s·(x·W + b) bit for bit (barring subnormals).
   */
  async scaledLinear(prefix: string, dIn: number, dOut: number, scale: number): Promise<LinearNames> {
    const tag = `x${scale}`;
    const bias = await this.#once(`${prefix}.bias.${tag}`, async () => ({
      data: (await readWeight(this.source, `${prefix}.bias`, dOut)).map((x) => x * scale),
      dims: [dOut],
    }));
    if (this.int8) {
      const int8 = await this.quantizedWeight(
        `${prefix}.weight.${tag}`,
        dOut,
        dIn,
        () => readWeight(this.source, `${prefix}.weight`, dIn * dOut),
        scale,
      );
      return { w: int8.codes, int8, bias };
    }
    const w = await this.#once(`${prefix}.weight.T.${tag}`, async () => {
      const raw = await readWeight(this.source, `${prefix}.weight`, dIn * dOut);
      const t = transposeInto(new Float32Array(raw.length), raw, dOut, dIn);
      for (let i = 0; i < t.length; i++) t[i] *= scale;
      return { data: t, dims: [dIn, dOut] };
    });
    return { w, bias };
  }

  /** Loads q/k/v projections of `prefix` packed as one [d, 3d] MatMul weight and a [3d] bias
   *  (k_proj has no bias in Whisper: zeros, as genai materialises them). */
  async packedQkv(prefix: string, d: number): Promise<LinearNames> {
    const parts = ['q_proj', 'k_proj', 'v_proj'] as const;
    const bias = await this.#once(`${prefix}.qkv.bias`, async () => {
      const packed = new Float32Array(3 * d);
      packed.set(await readWeight(this.source, `${prefix}.q_proj.bias`, d), 0);
      packed.set(await readWeight(this.source, `${prefix}.v_proj.bias`, d), 2 * d);
      return { data: packed, dims: [3 * d] };
    });
    if (this.int8) {
      // [3d, d]: the q, k and v rows one after another (nn.Linear layout, no transpose)
      const int8 = await this.quantizedWeight(`${prefix}.qkv.weight`, 3 * d, d, async () => {
        const rows = new Float32Array(3 * d * d);
        for (let p = 0; p < 3; p++)
          rows.set(await readWeight(this.source, `${prefix}.${parts[p]}.weight`, d * d), p * d * d);
        return rows;
      });
      return { w: int8.codes, int8, bias };
    }
    const w = await this.#once(`${prefix}.qkv.weight.T`, async () => {
      const packed = new Float32Array(d * 3 * d);
      for (let p = 0; p < 3; p++) {
        const part = await readWeight(this.source, `${prefix}.${parts[p]}.weight`, d * d);
        transposeInto(packed, part, d, d, 3 * d, p * d);
      }
      return { data: packed, dims: [d, 3 * d] };
    });
    return { w, bias };
  }

  /** LayerNorm params of `prefix` as [gamma, beta]. */
  async norm(prefix: string, d: number): Promise<readonly [string, string]> {
    return [await this.vector(`${prefix}.weight`, d), await this.vector(`${prefix}.bias`, d)];
  }

  layerNorm(x: string, [gamma, beta]: readonly [string, string]): string {
    return this.b.op('LayerNormalization', [x, gamma, beta], {
      axis: -1,
      epsilon: { f: LAYER_NORM_EPSILON },
    });
  }

  /** sum = residual + delta + bias; normed = LN(sum). Fused: one SkipLayerNormalization. */
  addNorm(
    delta: string,
    bias: string | undefined,
    residual: string,
    ln: readonly [string, string],
  ): Residual {
    const { b } = this;
    if (this.fused) {
      const normed = b.uniq('skipln');
      const sum = b.uniq('residual');
      const inputs = [delta, residual, ln[0], ln[1]];
      if (bias !== undefined) inputs.push(bias);
      b.node(
        'SkipLayerNormalization',
        inputs,
        [normed, '', '', sum],
        { epsilon: { f: LAYER_NORM_EPSILON } },
        MS,
      );
      return { normed, sum };
    }
    const withBias = bias === undefined ? delta : b.op('Add', [delta, bias]);
    const sum = b.op('Add', [residual, withBias]);
    return { normed: this.layerNorm(sum, ln), sum };
  }

  /** x · W without the bias: MatMul, or MatMulNBits for an int8 weight. */
  matmul(x: string, lin: LinearNames): string {
    return lin.int8 === undefined ? this.b.op('MatMul', [x, lin.w]) : this.matmulInt8(x, lin.int8);
  }

  /** x [..., k] · Wᵀ for a block-quantized W [n, k]: [..., n]. */
  matmulInt8(x: string, w: Int8Weight): string {
    return this.b.op(
      'MatMulNBits',
      [x, w.codes, w.scales, w.zeroPoints],
      { K: w.k, N: w.n, bits: 8, block_size: w.blockSize, accuracy_level: INT8_ACCURACY_LEVEL },
      MS,
    );
  }

  /** Rows `ids` [B, S] of a block-quantized table [n, k], dequantized: [B, S, k] float32. */
  gatherInt8(w: Int8Weight, ids: string): string {
    const { b } = this;
    const codes = b.op('Gather', [w.codes, ids], { axis: 0 }); // [B, S, kBlocks, blockSize] uint8
    const scales = b.op('Gather', [w.scales, ids], { axis: 0 }); // [B, S, kBlocks]
    const centred = b.op('Sub', [b.op('Cast', [codes], { to: ONNX_FLOAT }), b.scalar('zero_point', 128)]);
    const blocks = b.op('Mul', [centred, b.op('Unsqueeze', [scales, b.ints('axis_last', [-1])])]);
    const rows = b.op('Reshape', [blocks, b.ints('shape_rows', [0, 0, w.kBlocks * w.blockSize])]);
    if (w.kBlocks * w.blockSize === w.k) return rows;
    return b.op('Slice', [rows, b.ints('zero', [0]), b.ints('k', [w.k]), b.ints('axis_last', [-1])]);
  }

  /** MatMul (+ bias). */
  linearApply(x: string, lin: LinearNames): string {
    const y = this.matmul(x, lin);
    return lin.bias === undefined ? y : this.b.op('Add', [y, lin.bias]);
  }

  /** Exact (erf) GELU. */
  gelu(x: string): string {
    const { b } = this;
    if (this.fused) return b.op('Gelu', [x], {}, MS);
    const erf = b.op('Erf', [b.op('Div', [x, b.scalar('sqrt2', Math.SQRT2)])]);
    return b.op('Mul', [b.op('Mul', [x, b.scalar('half', 0.5)]), b.op('Add', [erf, b.scalar('one', 1)])]);
  }

  /** fc2(gelu(fc1(x))) without fc2's bias (folded into the following addNorm). */
  mlpWithoutOutBias(x: string, fc1: LinearNames, fc2: LinearNames): string {
    const { b } = this;
    const h = this.matmul(x, fc1);
    const act = this.fused
      ? b.op('BiasGelu', [h, fc1.bias as string], {}, MS)
      : this.gelu(b.op('Add', [h, fc1.bias as string]));
    return this.matmul(act, fc2);
  }

  /** [B, S, H·hd] → [B, H, S, hd]. */
  splitHeads(x: string, heads: number, headDim: number): string {
    const r = this.b.op('Reshape', [x, this.b.ints('shape_bshd', [0, 0, heads, headDim])]);
    return this.b.op('Transpose', [r], { perm: [0, 2, 1, 3] });
  }

  /** [B, H, S, hd] → [B, S, H·hd]. */
  mergeHeads(x: string, heads: number, headDim: number): string {
    const t = this.b.op('Transpose', [x], { perm: [0, 2, 1, 3] });
    return this.b.op('Reshape', [t, this.b.ints('shape_bsd', [0, 0, heads * headDim])]);
  }

  /** softmax(q·kᵀ/√hd [+ causal mask]) on BNSH tensors; returns the probabilities [B,H,S,T]. */
  attentionProbs(qBnsh: string, kBnsh: string, headDim: number, causalPast?: string): string {
    const { b } = this;
    const kT = b.op('Transpose', [kBnsh], { perm: [0, 1, 3, 2] });
    let scores = b.op('Mul', [b.op('MatMul', [qBnsh, kT]), b.scalar('scale', 1 / Math.sqrt(headDim))]);
    if (causalPast !== undefined) {
      // Query i sits at absolute position past + i and may see keys j <= past + i (ow TextDecoder.mask).
      const scalar = (x: string): string => b.op('Squeeze', [x]); // [1] → rank 0, as Range wants
      const zero = b.constant('zero_scalar', BigInt64Array.of(0n), []);
      const one = b.constant('one_scalar', BigInt64Array.of(1n), []);
      const qLen = scalar(b.op('Shape', [qBnsh], { start: 2, end: 3 }));
      const kLen = scalar(b.op('Shape', [kBnsh], { start: 2, end: 3 }));
      const qPos = b.op('Add', [b.op('Range', [zero, qLen, one]), scalar(causalPast)]);
      const kPos = b.op('Range', [zero, kLen, one]);
      const future = b.op('Greater', [
        b.op('Unsqueeze', [kPos, b.ints('axis0', [0])]),
        b.op('Unsqueeze', [qPos, b.ints('axis1', [1])]),
      ]);
      scores = b.op('Where', [future, b.scalar('neg_inf', -Infinity), scores]);
    }
    return b.op('Softmax', [scores], { axis: -1 });
  }

  /** Plain attention on BNSH q/k/v; returns [B, S, H·hd]. */
  plainAttention(
    qBnsh: string,
    kBnsh: string,
    vBnsh: string,
    heads: number,
    headDim: number,
    causalPast?: string,
  ): string {
    const probs = this.attentionProbs(qBnsh, kBnsh, headDim, causalPast);
    return this.mergeHeads(this.b.op('MatMul', [probs, vBnsh]), heads, headDim);
  }
}
