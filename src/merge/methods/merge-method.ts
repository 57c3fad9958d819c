/**
 * The contract every merge algorithm implements (CONVENTIONS.md §2: an interface with many
 * implementations gets its own file; implementations are listed in `registry.ts`).
 *
 * The engine streams the model tensor by tensor. For each tensor it hands the method the base
 * tensor θ_0 and the experts' task vectors τ_t = θ_t − θ_0 (zeros where an expert lacks the
 * tensor), all float32; the method writes the merged tensor θ_merged into `out`.
 * Parameter-space methods (linear, Model Stock, Karcher, SLERP) reconstruct θ_t = θ_0 + τ_t.
 */
import type { ZodType } from 'zod';
import type { SvdEligibilityInput } from '../linalg/svd-eligibility.js';

/** How a tensor is treated by methods that distinguish matrices from everything else. */
export type TensorKind = 'matrix' | 'vector' | 'conv' | 'embedding';

export interface TensorMergeInput {
  /** HF parameter name, e.g. `model.decoder.layers.0.fc1.weight`. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly kind: TensorKind;
  /** θ_0, float32, row-major. Must not be modified. */
  readonly base: Float32Array;
  /** τ_t per expert, same length as `base`. Must not be modified. */
  readonly deltas: readonly Float32Array[];
  /** Per-expert weight from the recipe (default 1). */
  readonly weights: Float64Array;
  /** Per-expert parameter overrides merged over the method's parameters (recipe `experts[i].parameters`). */
  readonly expertParams: readonly Readonly<Record<string, unknown>>[];
  /** Deterministic 32-bit seed derived from the recipe seed and the tensor name. */
  readonly seed: number;
  /** True when the tensor is on the SVD exclusion list (embeddings by default): subspace methods fall back to their non-matrix rule. */
  readonly isSvdExcluded: boolean;
  /**
   * Index in the whole tensor of `base[0]` when this input is a block of rows of a larger tensor
   * (the engine's `blockElements`; `shape` is then the block's). Absent or 0 for a whole tensor.
   * Used to name elements in errors.
   */
  readonly firstElement?: number;
  /**
   * Per task vector, the number {@link MergeMethod.taskStatistic} gives for the whole tensor, when
   * the engine computed them beforehand (this input is then a block of rows of the tensor).
   */
  readonly taskStatistics?: Float64Array;
  /**
   * Per task vector, where its random stream stands at `base[0]` (four words, see
   * `taskRandomStream`), when this input is a block of a tensor of a method with
   * {@link MergeMethod.randomDrawsPerElement}.
   */
  readonly streamStates?: readonly Uint32Array[];
}

/** Whole-model statistics collected in a first pass, for methods that need them (global TIES, PCB, TALL λ). */
export interface GlobalStatsCollector<S> {
  /** Called once per tensor in the first pass. */
  observe(input: TensorMergeInput): void;
  /** Finishes the pass. */
  finish(): S;
}

/** What a method found about its own output (see {@link MergeMethod.mergeTensorInto}). */
export interface TensorMergeReport {
  /** Index of the first NaN/±Inf in `out`, −1 when every element is finite. */
  readonly firstNonFiniteOutput: number;
}

export interface MergeMethod<P = Record<string, unknown>, S = undefined> {
  /** Recipe name, e.g. `ties`, `tsv_m`, `lors`. */
  readonly name: string;
  readonly space: 'parameter' | 'task-vector' | 'subspace';
  /** Validates and defaults the method's `parameters` (strict: unknown keys fail). */
  readonly paramsSchema: ZodType<P>;
  /**
   * True when a NaN or ±Inf anywhere in θ_0 or a τ_t always reaches the output (plain weighted
   * sums: no trimming, masking or comparison can drop it). The executor then scans only the
   * output, and the inputs only to name the culprit when the output is not finite.
   */
  readonly propagatesNonFinite?: boolean;
  /**
   * True when each output element depends only on the same element of θ_0 and of every τ_t (and
   * on the parameters, expert weights and first-pass statistics; never on the tensor's name,
   * shape or other elements, nor on its seed except through {@link randomDrawsPerElement}'s
   * streams): the engine may then merge a large tensor in blocks of rows, holding only a block of
   * each input at once. With a first pass, also needs {@link collectsInBlocks}.
   */
  readonly isElementwise?: boolean;
  /**
   * True when the collector's statistics are the same whether `observe` is given a tensor whole or
   * its rows in consecutive blocks, in order (per-element accumulations such as histograms, or a
   * sample of the model's element stream): the first pass may then read large tensors in blocks.
   */
  readonly collectsInBlocks?: boolean;
  /**
   * True when each row along the last dimension of the output depends only on the same row of θ_0
   * and of every τ_t (per-row rules such as Breadcrumbs'; never on the tensor's name or other rows,
   * nor on its seed except through {@link randomDrawsPerElement}'s streams): the engine may merge a
   * tensor of two or more dimensions in blocks, each holding whole rows. With a first pass, also
   * needs {@link collectsInBlocks}.
   */
  readonly isRowwise?: boolean;
  /**
   * For element-wise or row-wise methods that draw from one random stream per task vector (DARE,
   * DELLA): the numbers each element draws, in element order, from the stream
   * `taskRandomStream(input.seed, t, input.streamStates?.[t])`. When the engine merges a tensor in
   * blocks it gives each block the streams' states at its first element (`input.streamStates`).
   */
  readonly randomDrawsPerElement?: number;
  /**
   * {@link isElementwise} for some tensors only: subspace methods are element-wise on the tensors
   * outside their SVD path (1-D, conv, SVD-excluded embeddings), which take the non-matrix rule.
   */
  isElementwiseFor?(tensor: SvdEligibilityInput): boolean;
  /**
   * For methods that are element-wise once one number per task vector of the tensor is known
   * (TIES: τ_t's magnitude threshold): that number, from the whole τ_t (`expertParams` as in the
   * input). The engine may then read a large tensor's task vectors whole, one at a time, to get
   * them, and merge it in blocks of rows with the numbers in `input.taskStatistics`, which
   * `mergeTensorInto` must use when present (and compute the same way otherwise). With a first
   * pass, also needs {@link collectsInBlocks}.
   */
  taskStatistic?(
    delta: Float32Array,
    taskIndex: number,
    expertParams: TensorMergeInput['expertParams'],
    params: P,
  ): number;
  /**
   * False when these parameters make the method element-wise without {@link taskStatistic}'s
   * numbers (Consensus with a task-arithmetic τ_MTL): the engine then skips reading each τ_t whole
   * for them. Default true.
   */
  needsTaskStatistic?(params: P): boolean;
  /** Present when the method needs a first pass over the whole model. */
  createCollector?(params: P): GlobalStatsCollector<S>;
  /**
   * Writes θ_merged for one tensor into `out` (same length as `input.base`). May be async (ONNX
   * Runtime linear algebra). Methods that check their output as they write it return the report,
   * and the executor skips its own scan.
   */
  mergeTensorInto(
    out: Float32Array,
    input: TensorMergeInput,
    params: P,
    stats: S,
  ): void | TensorMergeReport | Promise<void | TensorMergeReport>;
}
