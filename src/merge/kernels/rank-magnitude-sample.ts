import type { SeededRandom } from './seeded-random.js';
import { argsortByMagnitudeInto, argsortScratchLength } from './sort-by-magnitude.js';

/**
 * DELLA's MagPrune for one task vector (Deep et al., arXiv:2406.11617; declare-lab/della
 * `mergekit/mergekit/sparsify.py::rank_magnitude`; merging.md §2.5). Per row along the last
 * dimension, rank |x| ascending (smallest → rank 0), normalise ρ = rank/(n−1) ∈ [0, 1], keep with
 * probability p = (density − ε) + 2ερ and, when `isRescaled`, divide kept entries by p (E[out] =
 * delta). Draws come from `rng` in row order. A row of one element uses ρ = ½ (upstream's min-max normalisation divides by zero there).
 */
export function rankMagnitudeSampleInto(
  out: Float32Array,
  delta: Float32Array,
  rowLength: number,
  density: number,
  epsilon: number,
  isRescaled: boolean,
  rng: SeededRandom,
): Float32Array {
  const order = new Uint32Array(rowLength);
  const scratch = new Uint32Array(argsortScratchLength(rowLength));
  const lowest = density - epsilon;
  const span = 2 * epsilon;
  for (let start = 0; start < delta.length; start += rowLength) {
    const row = delta.subarray(start, start + rowLength);
    argsortByMagnitudeInto(order, row, scratch);
    for (let p = 0; p < rowLength; p++) {
      const j = order[p];
      const rho = rowLength > 1 ? p / (rowLength - 1) : 0.5;
      const keepProbability = lowest + span * rho;
      // One draw per entry in index order would make draws depend on the sort; draw in rank order
      // instead, which is equally deterministic for a given input.
      const isKept = rng.nextFloat() < keepProbability;
      out[start + j] = isKept ? (isRescaled ? row[j] / keepProbability : row[j]) : 0;
    }
  }
  return out;
}
