/**
 * Recycled float32 buffers for the merge engine's per-tensor inputs and outputs.
 *
 * Fresh memory is the most expensive thing in the merge hot path: a new large ArrayBuffer is
 * mapped anew, and each of its 4 KiB pages faults in when first written (the kernel zeroes it),
 * which costs more than reading the tensor from the page cache and merging it. Each tensor needs
 * 1 + T input buffers and an output, and consecutive tensors mostly have the same handful of
 * shapes, so the engine hands buffers back here and takes them again for the next tensor.
 *
 * A buffer is either lent out (owned by one holder) or free here, never both: `release` ignores
 * a buffer that is already free, detached (transferred away) or too small to pool.
 */
export class Float32BufferPool {
  /** Buffers below this are left to the allocator (its small-object heap does not fault per use). */
  static readonly MIN_POOLED_BYTES = 1 << 20;

  /** Free buffers, oldest release first. */
  readonly #free: ArrayBuffer[] = [];
  readonly #freeSet = new Set<ArrayBuffer>();

  /**
   * @param maxFreeCount Free buffers kept at most; beyond it the oldest released are dropped. The
   *   engine uses the number of buffers of the tensors in flight, so the pool holds at most one
   *   more working set (and a buffer of a rare large shape, such as the embedding, leaves the
   *   pool once the next tensors have been released).
   */
  constructor(private readonly maxFreeCount: number) {}

  /** Bytes currently held free. */
  get freeBytes(): number {
    return this.#free.reduce((s, b) => s + b.byteLength, 0);
  }

  /**
   * A float32 array of `length` elements (contents unspecified) on a recycled buffer when one is
   * large enough (the smallest such), else on a new one. The array may not span its whole buffer.
   */
  acquire(length: number): Float32Array {
    const bytes = length * 4;
    if (bytes >= Float32BufferPool.MIN_POOLED_BYTES) {
      let best = -1;
      for (let i = 0; i < this.#free.length; i++) {
        const size = this.#free[i].byteLength;
        if (size >= bytes && (best < 0 || size < this.#free[best].byteLength)) best = i;
      }
      // Only reuse a buffer that is not wastefully large (a bias must not pin an embedding's buffer).
      if (best >= 0 && this.#free[best].byteLength <= 4 * bytes) {
        const buffer = this.#free[best];
        this.#free.splice(best, 1);
        this.#freeSet.delete(buffer);
        return new Float32Array(buffer, 0, length);
      }
    }
    return new Float32Array(length);
  }

  /** Returns buffers to the pool (each at most once; unpoolable ones are ignored). */
  release(...buffers: readonly ArrayBufferLike[]): void {
    for (const buffer of buffers) {
      if (!(buffer instanceof ArrayBuffer)) continue;
      const size = buffer.byteLength; // 0 once detached
      if (size < Float32BufferPool.MIN_POOLED_BYTES || this.#freeSet.has(buffer)) continue;
      this.#free.push(buffer);
      this.#freeSet.add(buffer);
    }
    while (this.#free.length > this.maxFreeCount) this.#freeSet.delete(this.#free.shift() as ArrayBuffer);
  }
}
