/**
 * Subspace Boosting (Skorobogat, Roth, Georgescu, Akata, arXiv:2506.16506): counter rank collapse
 * of a merged task vector by raising its small singular values. Here the merged task vector is
 * task arithmetic, M = Σ_t τ_t; per matrix, with M = U·diag(S)·Vᵀ:
 *   c = first index with cumsum(S)/ΣS ≥ β;   S' = max(S, S_c);   θ = θ_0 + scale·U·diag(S')·Vᵀ.
 * Computed without a full SVD: U·diag(S')·Vᵀ = Σ_{i<c}(S_i − S_c)·u_i·v_iᵀ + S_c·polar(M), with the
 * top-c triplets from a truncated SVD and ΣS = ⟨polar(M), M⟩. β is `attentionBeta` for attention
 * weights (`svd_thresh` 0.01 / `attn_svd_thresh` 0.10 in the public code, merging.md §3.5).
 * Non-matrix tensors are left as task arithmetic (not boosted). Exactly-null directions of M have
 * no singular vectors and are not raised.
 */
import { z } from 'zod';
import type { LinalgBackend } from '../linalg/index.js';
import {
  gemmTs,
  jacobiSvd,
  dropNullDirections,
  polarFactor,
  sharedLinalgBackend,
  sumTaskVectors,
  truncatedSvd,
  EXACT_SVD_MAX_WORK,
  type Matrix,
} from '../linalg/index.js';
import type { MergeMethod } from './merge-method.js';
import { isOutsideSvdPath, subspaceMatrixDeltas, SvdSettingsShape } from './tsv-m.js';

/** Parameters of {@link subspaceBoosting}. */
export const SubspaceBoostingParamsSchema = z.strictObject({
  /** λ of the task-arithmetic merge; fusion_bench's task-arithmetic default 0.3. */
  scale: z.number().finite().default(0.3),
  /** Cumulative-σ threshold β for non-attention matrices (`svd_thresh`). */
  beta: z.number().gt(0).max(1).default(0.01),
  /** β for attention matrices (`attn_svd_thresh`). */
  attentionBeta: z.number().gt(0).max(1).default(0.1),
  polar: z.enum(['newton-schulz', 'svd']).default('newton-schulz'),
  ...SvdSettingsShape,
});
export type SubspaceBoostingParams = z.infer<typeof SubspaceBoostingParamsSchema>;

// HF (`self_attn`, `encoder_attn`) and openai-whisper (`attn.`, `cross_attn.`) attention weight names.
const ATTENTION_NAME = /(^|\.)(self_attn|encoder_attn|attn|cross_attn|attention)\./;

/** True for attention projection weights, which get `attentionBeta`. */
export function isAttentionTensor(name: string): boolean {
  return ATTENTION_NAME.test(name);
}

/** Index c of the boosting floor: first i with Σ_{j≤i} s_j ≥ β·total (s descending); −1 if none. */
function cutoffIndex(s: Float32Array, beta: number, total: number): number {
  let cum = 0;
  for (let i = 0; i < s.length; i++) {
    cum += s[i];
    if (cum >= beta * total * (1 - 1e-12)) return i;
  }
  return -1;
}

/** Boosted copy of the m×n matrix `m` (S' = max(S, S_c)). */
export async function boostMatrix(
  backend: LinalgBackend,
  m: Matrix,
  beta: number,
  params: Pick<SubspaceBoostingParams, 'polar' | 'svd' | 'oversamples' | 'powerIterations'>,
  seed: number,
): Promise<Float32Array> {
  const r = Math.min(m.rows, m.cols);
  const isSmall =
    params.svd === 'exact' ||
    (params.svd === 'auto' && Math.max(m.rows, m.cols) * r * r <= EXACT_SVD_MAX_WORK);
  if (isSmall) {
    const svd = dropNullDirections(jacobiSvd(m));
    const total = svd.s.reduce((a, b) => a + b, 0);
    const c = cutoffIndex(svd.s, beta, total);
    if (c < 0) return Float32Array.from(m.data);
    for (let i = c + 1; i < svd.s.length; i++) if (svd.s[i] > 0) svd.s[i] = Math.max(svd.s[i], svd.s[c]);
    const k = svd.s.length;
    for (let i = 0; i < svd.u.rows; i++) for (let j = 0; j < k; j++) svd.u.data[i * k + j] *= svd.s[j];
    return gemmTs(svd.u, svd.vt).data;
  }
  const p = await polarFactor(backend, m, params.polar);
  let total = 0;
  for (let i = 0; i < m.data.length; i++) total += p.data[i] * m.data[i];
  // Grow the truncated SVD until it contains the cutoff index.
  let k = Math.min(r, 16);
  for (;;) {
    const svd = await truncatedSvd(backend, m, k, {
      seed,
      method: 'randomized',
      oversamples: params.oversamples,
      powerIterations: params.powerIterations,
    });
    const c = cutoffIndex(svd.s, beta, total);
    if (c < 0 && k < r) {
      k = Math.min(r, k * 4);
      continue;
    }
    const floor = c < 0 ? svd.s[svd.s.length - 1] : svd.s[c];
    const head = Math.max(0, c);
    const out = new Float32Array(m.data.length);
    for (let i = 0; i < out.length; i++) out[i] = floor * p.data[i];
    if (head > 0) {
      const us = new Float32Array(m.rows * head);
      for (let i = 0; i < m.rows; i++)
        for (let j = 0; j < head; j++) us[i * head + j] = svd.u.data[i * k + j] * (svd.s[j] - floor);
      const vt = { data: svd.vt.data.subarray(0, head * m.cols), rows: head, cols: m.cols };
      const corr = await backend.gemm({ data: us, rows: m.rows, cols: head }, vt);
      for (let i = 0; i < out.length; i++) out[i] += corr.data[i];
    }
    return out;
  }
}

/** Subspace Boosting with an injected linear-algebra backend. */
export function createSubspaceBoosting(backend?: LinalgBackend): MergeMethod<SubspaceBoostingParams> {
  return {
    name: 'subspace_boosting',
    space: 'subspace',
    isElementwiseFor: isOutsideSvdPath,
    paramsSchema: SubspaceBoostingParamsSchema,
    async mergeTensorInto(out, input, params) {
      const be = backend ?? sharedLinalgBackend();
      const deltas = subspaceMatrixDeltas(out, input, params.scale, 'sum');
      if (deltas === null) return;
      const ones = new Float64Array(deltas.length).fill(1);
      const [rows, cols] = input.shape;
      const merged = sumTaskVectors(deltas, ones, input.base.length);
      const beta = isAttentionTensor(input.name) ? params.attentionBeta : params.beta;
      const boosted = await boostMatrix(be, { data: merged, rows, cols }, beta, params, input.seed);
      for (let i = 0; i < out.length; i++) out[i] = input.base[i] + params.scale * boosted[i];
    },
  };
}

/** Subspace Boosting (`subspace_boosting`) on the process-wide linalg backend. */
export const subspaceBoosting: MergeMethod<SubspaceBoostingParams> = createSubspaceBoosting();
