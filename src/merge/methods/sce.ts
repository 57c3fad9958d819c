import { z } from 'zod';
import { kthLargestInPlace } from '../kernels/kth-largest-abs.js';
import type { MergeMethod } from './merge-method.js';

/** Parameters of {@link sceMethod}. */
export interface SceParams {
  /** Fraction of positions kept by across-task variance ("Select"); default 1.0 = no selection (mergekit). */
  readonly select_topk: number;
  /** λ on the merged task vector; 1.0 = mergekit's SCE, which has no scale (our extension for tuning). */
  readonly lambda: number;
}

// mergekit `sce_weight`: when Σ_t mean(τ_t²) < 1e-6 the matrix-level weights fall back to uniform.
// NB for fine-tuning deltas of ~1e-3 this threshold is often hit, and SCE becomes sign-elected mean.
const WEIGHT_SUM_EPS = 1e-6;
// mergekit: merged / clamp(Σ erased weights, min=1e-6).
const DIVISOR_MIN = 1e-6;

/**
 * SCE: Select, Calculate, Erase (FuseChat, arXiv:2408.07990; arcee-ai/mergekit
 * `merge_methods/sce.py`; merging.md §2.7), per tensor:
 * Select the top `select_topk` positions by population variance of τ across tasks; Calculate
 * w_t = mean(τ_t²)/Σ; Erase entries whose sign disagrees with sign(Σ_t τ_t) (0 → +);
 * θ = θ0 + λ·Σ_t w_t E_t τ_t / max(Σ_t w_t E_t, 1e-6). Recipe weights are not used (as upstream).
 */
export const sceMethod: MergeMethod<SceParams> = {
  name: 'sce',
  space: 'task-vector',
  paramsSchema: z.strictObject({
    select_topk: z.number().gte(0).lte(1).default(1),
    lambda: z.number().finite().default(1),
  }),
  mergeTensorInto(out, input, params) {
    const { base, deltas } = input;
    const taskCount = deltas.length;
    const n = base.length;
    const selected = selectionMask(deltas, params.select_topk);
    const w = new Float64Array(taskCount);
    let wSum = 0;
    for (let t = 0; t < taskCount; t++) {
      let sq = 0;
      const d = deltas[t];
      for (let i = 0; i < n; i++) if (selected === undefined || selected[i] === 1) sq += d[i] * d[i];
      w[t] = n === 0 ? 0 : sq / n;
      wSum += w[t];
    }
    for (let t = 0; t < taskCount; t++) w[t] = Math.abs(wSum) < WEIGHT_SUM_EPS ? 1 / taskCount : w[t] / wSum;
    for (let i = 0; i < n; i++) {
      if (selected !== undefined && selected[i] === 0) {
        out[i] = base[i];
        continue;
      }
      let total = 0;
      for (let t = 0; t < taskCount; t++) total += deltas[t][i];
      const majority = total >= 0 ? 1 : -1;
      let mixed = 0;
      let divisor = 0;
      for (let t = 0; t < taskCount; t++) {
        const v = deltas[t][i];
        if ((v > 0 && majority > 0) || (v < 0 && majority < 0)) {
          mixed += w[t] * v;
          divisor += w[t];
        }
      }
      out[i] = base[i] + (params.lambda * mixed) / Math.max(divisor, DIVISOR_MIN);
    }
  },
};

/** mergekit `sce_mask`: 1 for the top ⌊nnz(var)·topk⌋ positions by variance (ties at the k-th kept); undefined = all. */
function selectionMask(deltas: readonly Float32Array[], topk: number): Uint8Array | undefined {
  if (topk >= 1) return undefined;
  const n = deltas[0]?.length ?? 0;
  const taskCount = deltas.length;
  const variance = new Float32Array(n);
  let nonZero = 0;
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let t = 0; t < taskCount; t++) mean += deltas[t][i];
    mean /= taskCount;
    let v = 0;
    for (let t = 0; t < taskCount; t++) v += (deltas[t][i] - mean) ** 2;
    variance[i] = v / taskCount;
    if (variance[i] !== 0) nonZero++;
  }
  const mask = new Uint8Array(n);
  const k = Math.floor(nonZero * topk);
  if (k === 0) return mask;
  const threshold = kthLargestInPlace(Float32Array.from(variance), k);
  for (let i = 0; i < n; i++) mask[i] = variance[i] >= threshold && variance[i] > 0 ? 1 : 0;
  return mask;
}
