/**
 * A small, fast, seedable PRNG for the stochastic merge methods (DARE, DELLA).
 *
 * sfc32 (Chris Doty-Humphrey's "small fast counting" generator, PractRand-clean at 32 bits),
 * seeded through splitmix32 so that nearby seeds give unrelated streams. TypeScript cannot
 * reproduce torch's Philox/MT streams, so masks do not match PyTorch bit for bit; what we
 * guarantee instead is that the same (seed, tensor name, task index) always gives the same
 * mask, independent of iteration order (merging.md §2.3 [rec]).
 */
export class SeededRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      // splitmix32 step
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    // Discard the first outputs: sfc32 mixes its state during warm-up.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.#c = (r + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextUint32() / 4_294_967_296;
  }
}

/**
 * Mixes a 32-bit seed with a salt (e.g. the task index) into a new 32-bit seed
 * (murmur3's fmix32 finaliser over `seed ^ golden·salt`).
 */
export function mixSeed(seed: number, salt: number): number {
  let h = (seed ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
