import { pcbBoundsOf, pcbMergeInto, type PcbTaskBounds } from '../kernels/pcb-balance.js';
import { SeededRandom } from '../kernels/seeded-random.js';
import { expertNumber } from './expert-param.js';
import type { GlobalStatsCollector, MergeMethod } from './merge-method.js';
import { pcbParamsSchema, type PcbParams } from './pcb.js';

/** Whole-model statistics of {@link pcbGlobalMethod}: per task, the clip and balance bounds. */
export interface PcbGlobalStats {
  readonly bounds: readonly PcbTaskBounds[];
  /** Coordinates sampled / coordinates in the model. */
  readonly sampledCount: number;
  readonly totalCount: number;
}

// A uniform sample of 2^20 coordinates per model estimates the 1e-4 clip quantiles from ~100
// points each and the top-r floor from ~10^5: close enough for a normalisation, in O(2^20·T) memory.
const SAMPLE_CAPACITY = 1 << 20;
// Fixed seed of the sampler: the statistics are a deterministic function of the inputs.
const SAMPLER_SEED = 0x5eed_bcb;

/**
 * PCB-Merging with its original WHOLE-MODEL statistics (duguodong7/pcb-merging `PCB_merge` works
 * on the flattened model; merging.md §2.6, "global"): the |τ| clip quantiles, the balance-score
 * quantile 1−r and its maximum are taken over the whole model, per task. A first pass draws a
 * deterministic uniform reservoir sample (Vitter/Li "Algorithm L") of up to 2^20 coordinates with
 * every task's value and the cross-task sum there; the bounds are computed on the sample (exact
 * for models of ≤ 2^20 weights). The second pass applies them tensor by tensor.
 */
export const pcbGlobalMethod: MergeMethod<PcbParams, PcbGlobalStats> = {
  name: 'pcb_global',
  space: 'task-vector',
  isElementwise: true,
  collectsInBlocks: true,
  paramsSchema: pcbParamsSchema,
  createCollector(params): GlobalStatsCollector<PcbGlobalStats> {
    const rng = new SeededRandom(SAMPLER_SEED);
    let taskCount = 0;
    let values: Float32Array[] = [];
    let totals = new Float32Array(0);
    let filled = 0;
    let seen = 0;
    let w = Math.exp(Math.log(rng.nextFloat() || Number.MIN_VALUE) / SAMPLE_CAPACITY);
    let nextIndex =
      SAMPLE_CAPACITY + Math.floor(Math.log(rng.nextFloat() || Number.MIN_VALUE) / Math.log(1 - w));
    const store = (slot: number, deltas: readonly Float32Array[], i: number): void => {
      let sum = 0;
      for (let t = 0; t < taskCount; t++) {
        values[t][slot] = deltas[t][i];
        sum += deltas[t][i];
      }
      totals[slot] = sum;
    };
    return {
      observe(input) {
        if (taskCount === 0) {
          taskCount = input.deltas.length;
          values = input.deltas.map(() => new Float32Array(SAMPLE_CAPACITY));
          totals = new Float32Array(SAMPLE_CAPACITY);
        }
        const n = input.base.length;
        let i = 0;
        while (i < n && filled < SAMPLE_CAPACITY) store(filled++, input.deltas, i++);
        while (nextIndex < seen + n) {
          store(Math.floor(rng.nextFloat() * SAMPLE_CAPACITY), input.deltas, nextIndex - seen);
          w *= Math.exp(Math.log(rng.nextFloat() || Number.MIN_VALUE) / SAMPLE_CAPACITY);
          nextIndex += Math.floor(Math.log(rng.nextFloat() || Number.MIN_VALUE) / Math.log(1 - w)) + 1;
        }
        seen += n;
      },
      finish() {
        const total = totals.subarray(0, filled);
        const bounds = values.map((v) =>
          pcbBoundsOf(v.subarray(0, filled), total, taskCount, params.clip_ratio, params.ratio),
        );
        return { bounds, sampledCount: filled, totalCount: seen };
      },
    };
  },
  mergeTensorInto(out, input, params, stats) {
    const { base, deltas, weights } = input;
    const coefficients = Float64Array.from(
      deltas,
      (_, t) => expertNumber(input, t, 'lambda', params.lambda) * weights[t],
    );
    pcbMergeInto(out, base, deltas, coefficients, (t) => stats.bounds[t]);
  },
};
