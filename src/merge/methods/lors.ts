/**
 * LoRS-Merging, low-rank + sparse (Zhao, Sun, Zhang, arXiv:2502.17380). Per expert and selected
 * matrix: L = top-`rank` SVD part of τ_t ("SVP"), R = τ_t − L, keep the ⌊numel·keepRatio⌋
 * largest-|.| entries of R ("MP"), τ'_t = L + R_kept; then task arithmetic:
 *   θ = θ_0 + scale·Σ_t τ'_t.
 * ref: qmgzhao/LoRS-Merging `model_merging/merge_fft-lors-merge.py` (index = 7, ratio = 0.2,
 * scaling_coef = 0.2 for 5 Whisper-small experts). The reference selects every attention/MLP
 * Linear weight; here that is every SVD-eligible matrix. Other tensors are summed unchanged.
 */
import { z } from 'zod';
import type { LinalgBackend } from '../linalg/index.js';
import {
  combineTaskVectorsInto,
  keepTopMagnitudeInPlace,
  sharedLinalgBackend,
  truncatedSvd,
} from '../linalg/index.js';
import type { MergeMethod } from './merge-method.js';
import { isOutsideSvdPath, subspaceMatrixDeltas, SvdSettingsShape, taskSeed } from './tsv-m.js';

/** Parameters of {@link lors}. */
export const LorsParamsSchema = z.strictObject({
  /** λ (`scaling_coef`); 0.2 = 1/T for the reference's 5-expert merges. */
  scale: z.number().finite().default(0.2),
  /** Singular components kept in the low-rank part (`index = 7` = 1% of Whisper-small's d_model 768). */
  rank: z.number().int().min(0).default(7),
  /** Fraction of the residual's entries kept by magnitude (`ratio = 0.2`). */
  keepRatio: z.number().min(0).max(1).default(0.2),
  ...SvdSettingsShape,
});
export type LorsParams = z.infer<typeof LorsParamsSchema>;

/** τ' = L + top-magnitude(τ − L) for one expert matrix; returns a new array. */
export async function lowRankPlusSparse(
  backend: LinalgBackend,
  tau: Float32Array,
  rows: number,
  cols: number,
  params: Pick<LorsParams, 'rank' | 'keepRatio' | 'svd' | 'oversamples' | 'powerIterations'>,
  seed: number,
): Promise<Float32Array> {
  const svd = await truncatedSvd(backend, { data: tau, rows, cols }, params.rank, {
    seed,
    method: params.svd,
    oversamples: params.oversamples,
    powerIterations: params.powerIterations,
  });
  const k = svd.s.length;
  const us = new Float32Array(rows * k);
  for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) us[i * k + j] = svd.u.data[i * k + j] * svd.s[j];
  const low =
    k === 0 ? new Float32Array(rows * cols) : (await backend.gemm({ data: us, rows, cols: k }, svd.vt)).data;
  const residual = new Float32Array(tau.length);
  for (let i = 0; i < tau.length; i++) residual[i] = tau[i] - low[i];
  keepTopMagnitudeInPlace(residual, Math.floor(tau.length * params.keepRatio));
  for (let i = 0; i < residual.length; i++) residual[i] += low[i];
  return residual;
}

/** LoRS-Merging with an injected linear-algebra backend. */
export function createLors(backend?: LinalgBackend): MergeMethod<LorsParams> {
  return {
    name: 'lors',
    space: 'subspace',
    isElementwiseFor: isOutsideSvdPath,
    paramsSchema: LorsParamsSchema,
    async mergeTensorInto(out, input, params) {
      const be = backend ?? sharedLinalgBackend();
      const deltas = subspaceMatrixDeltas(out, input, params.scale, 'sum');
      if (deltas === null) return;
      const ones = new Float64Array(deltas.length).fill(1);
      const [rows, cols] = input.shape;
      const pruned: Float32Array[] = [];
      for (let t = 0; t < deltas.length; t++) {
        pruned.push(await lowRankPlusSparse(be, deltas[t], rows, cols, params, taskSeed(input.seed, t)));
      }
      combineTaskVectorsInto(out, input.base, pruned, ones, params.scale);
    },
  };
}

/** LoRS-Merging (`lors`) on the process-wide linalg backend. */
export const lors: MergeMethod<LorsParams> = createLors();
