/**
 * TSV-M, Task Singular Vectors: Merge (Gargiulo et al., CVPR 2025, arXiv:2412.00081).
 * Per matrix: keep each task's top-k singular triplets (k = ⌊r·rankFraction⌋, default r/T),
 * concatenate them, replace the concatenated U and V by their polar factors (orthogonal
 * Procrustes; removes inter-task interference) and recombine:
 *   merged = polar(U_cat) · diag(S_cat) · polar(V_cat),   θ = θ_0 + scale · merged.
 * ref: AntoAndGar/task_singular_vectors `src/utils/TSVM_utils.py::compute_and_sum_svd_mem_reduction`.
 * Non-matrix tensors (1-D, conv, SVD-excluded) take the mean of the task vectors, as the
 * reference's running mean does. Per-expert weights pre-scale the task vectors (fusion_bench's
 * list-valued `alpha`). Top-k triplets come from a seeded randomized SVD on ONNX Runtime; the
 * polar factors from converged Newton–Schulz (`polar: 'svd'` for the exact Jacobi path).
 */
import { z } from 'zod';
import type { LinalgBackend } from '../linalg/index.js';
import {
  areAllZero,
  combineTaskVectorsInto,
  isSvdMatrix,
  polarFactor,
  sharedLinalgBackend,
  truncatedSvd,
  weightTaskVectors,
  type Matrix,
  type PolarMethod,
  type Svd,
  type SvdEligibilityInput,
} from '../linalg/index.js';
import type { MergeMethod, TensorMergeInput } from './merge-method.js';

/** Randomized-SVD settings shared by the subspace methods. */
export const SvdSettingsShape = {
  /** `'auto'`: exact Jacobi SVD for small matrices, randomized top-k otherwise. */
  svd: z.enum(['auto', 'exact', 'randomized']).default('auto'),
  /** Range-finder oversampling p (Halko et al. 2011 §4.2). */
  oversamples: z.number().int().min(0).max(256).default(10),
  /** Power iterations q (torch.svd_lowrank's default 2). */
  powerIterations: z.number().int().min(0).max(16).default(2),
} as const;

/** Parameters of {@link tsvM}. */
export const TsvMParamsSchema = z.strictObject({
  /** λ (α in the paper's code), swept over 0.1…3.0 on validation; fusion_bench and the authors' mergekit fork use 1. */
  scale: z.number().finite().default(1),
  /** Fraction of each task's spectrum kept; default 1/T (`sv_reduction = 1/len(DATASETS)`). */
  rankFraction: z.number().gt(0).max(1).optional(),
  /** Polar factor of U_cat / V_cat (see `PolarMethod`). */
  polar: z.enum(['newton-schulz', 'newton-schulz-gram', 'muon5', 'svd']).default('newton-schulz'),
  ...SvdSettingsShape,
});
export type TsvMParams = z.infer<typeof TsvMParamsSchema>;

/** Per-task truncated SVDs → merged matrix U_o·diag(S_cat)·V_o (m×n). Shared with BoostedTSV-M. */
export async function mergeTaskSingularVectors(
  backend: LinalgBackend,
  svds: readonly Svd[],
  rows: number,
  cols: number,
  polar: PolarMethod,
): Promise<Matrix> {
  const width = svds.reduce((w, s) => w + s.s.length, 0);
  const ucat = new Float32Array(rows * width);
  const vcat = new Float32Array(width * cols);
  const scat = new Float32Array(width);
  let offset = 0;
  for (const svd of svds) {
    const k = svd.s.length;
    for (let i = 0; i < rows; i++) ucat.set(svd.u.data.subarray(i * k, i * k + k), i * width + offset);
    vcat.set(svd.vt.data.subarray(0, k * cols), offset * cols);
    scat.set(svd.s, offset);
    offset += k;
  }
  const uo = await polarFactor(backend, { data: ucat, rows, cols: width }, polar);
  const vo = await polarFactor(backend, { data: vcat, rows: width, cols }, polar);
  for (let i = 0; i < rows; i++) {
    const row = uo.data.subarray(i * width, (i + 1) * width);
    for (let j = 0; j < width; j++) row[j] *= scat[j];
  }
  return backend.gemm(uo, vo);
}

/** Seed of task t's range finder, decorrelated from the tensor seed (golden-ratio stride). */
export function taskSeed(seed: number, task: number): number {
  return (seed + Math.imul(task + 1, 0x9e3779b9)) >>> 0;
}

/** Mean rule for non-matrix tensors: base + scale·(1/T)·Σ_t τ'_t. */
export function meanRuleInto(
  out: Float32Array,
  input: TensorMergeInput,
  deltas: readonly Float32Array[],
  scale: number,
): void {
  const coef = new Float64Array(deltas.length).fill(deltas.length === 0 ? 0 : 1 / deltas.length);
  combineTaskVectorsInto(out, input.base, deltas, coef, scale);
}

/**
 * `MergeMethod.isElementwiseFor` of the subspace methods: the tensors outside the SVD path take
 * the non-matrix rule, a weighted sum of task vectors.
 */
export function isOutsideSvdPath(tensor: SvdEligibilityInput): boolean {
  return !isSvdMatrix(tensor);
}

/**
 * The prologue every subspace method shares: weights the task vectors; writes the base when
 * there is nothing to merge (no or all-zero task vectors, scale 0); applies the method's
 * non-matrix rule (`mean`: base + scale·mean τ'; `sum`: base + scale·Σ τ') to tensors outside the
 * SVD path. Returns the weighted task vectors when the matrix path must run, else null.
 */
export function subspaceMatrixDeltas(
  out: Float32Array,
  input: TensorMergeInput,
  scale: number,
  nonMatrixRule: 'mean' | 'sum',
): Float32Array[] | null {
  const deltas = weightTaskVectors(input.deltas, input.weights);
  if (deltas.length === 0 || areAllZero(deltas) || scale === 0) {
    out.set(input.base);
    return null;
  }
  if (isSvdMatrix(input)) return deltas;
  if (nonMatrixRule === 'mean') meanRuleInto(out, input, deltas, scale);
  else combineTaskVectorsInto(out, input.base, deltas, new Float64Array(deltas.length).fill(1), scale);
  return null;
}

/** TSV-M with an injected linear-algebra backend. */
export function createTsvM(backend?: LinalgBackend): MergeMethod<TsvMParams> {
  return {
    name: 'tsv_m',
    space: 'subspace',
    isElementwiseFor: isOutsideSvdPath,
    paramsSchema: TsvMParamsSchema,
    async mergeTensorInto(out, input, params) {
      const be = backend ?? sharedLinalgBackend();
      const deltas = subspaceMatrixDeltas(out, input, params.scale, 'mean');
      if (deltas === null) return;
      const [rows, cols] = input.shape;
      const r = Math.min(rows, cols);
      // ⌊r/T⌋ as in the reference, but at least one triplet so no task is silently dropped.
      const k = Math.max(1, Math.floor(r * (params.rankFraction ?? 1 / deltas.length)));
      const svds: Svd[] = [];
      for (let t = 0; t < deltas.length; t++) {
        svds.push(
          await truncatedSvd(be, { data: deltas[t], rows, cols }, k, {
            seed: taskSeed(input.seed, t),
            method: params.svd,
            oversamples: params.oversamples,
            powerIterations: params.powerIterations,
          }),
        );
      }
      const merged = await mergeTaskSingularVectors(be, svds, rows, cols, params.polar);
      for (let i = 0; i < out.length; i++) out[i] = input.base[i] + params.scale * merged.data[i];
    },
  };
}

/** TSV-M (`tsv_m`) on the process-wide linalg backend. */
export const tsvM: MergeMethod<TsvMParams> = createTsvM();
