// |x| is binned by the top 20 of its 31 non-sign float32 bits (8 exponent + 12 mantissa bits), so
// a bin spans a relative width of 2^-12 ≈ 0.024 %: a threshold read from the histogram keeps at
// most one bin's worth of entries more than an exact k-th value would. 2^20 bins × 8 B = 8 MiB.
const DROPPED_BITS = 11;
const BIN_COUNT = 2 ** (31 - DROPPED_BITS);

/**
 * A streaming histogram of |x| over many tensors, for whole-model magnitude quantiles in one pass
 * (global TIES's k-th value, merging.md §0.3 [rec] "two passes: collect per-task global statistics").
 */
export class MagnitudeHistogram {
  readonly #counts = new Float64Array(BIN_COUNT);
  #total = 0;

  /** Number of values observed. */
  get total(): number {
    return this.#total;
  }

  /** Adds every |x| of `values`. */
  observe(values: Float32Array): void {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    const counts = this.#counts;
    for (let i = 0; i < bits.length; i++) counts[(bits[i] & 0x7fffffff) >>> DROPPED_BITS] += 1;
    this.#total += values.length;
  }

  /** Adds `count` zeros (a tensor this task leaves unchanged). */
  observeZeros(count: number): void {
    this.#counts[0] += count;
    this.#total += count;
  }

  /**
   * The largest threshold h such that at least k observed values satisfy |x| ≥ h: the lower edge of
   * the bin holding the k-th largest value. k ≤ 0 returns +∞ (keep nothing).
   */
  thresholdForTopK(k: number): number {
    if (k <= 0) return Number.POSITIVE_INFINITY;
    let cumulative = 0;
    for (let bin = BIN_COUNT - 1; bin >= 0; bin--) {
      cumulative += this.#counts[bin];
      if (cumulative >= k) return bin === 0 ? 0 : binLowerEdge(bin);
    }
    return 0;
  }
}

const edgeBits = new Uint32Array(1);
const edgeFloat = new Float32Array(edgeBits.buffer);
function binLowerEdge(bin: number): number {
  edgeBits[0] = bin << DROPPED_BITS;
  return edgeFloat[0];
}
