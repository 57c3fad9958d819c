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

  /** The generator's state (four 32-bit words), to resume the stream elsewhere with {@link fromState}. */
  state(): Uint32Array {
    return Uint32Array.of(this.#a, this.#b, this.#c, this.#d);
  }

  /** A generator that continues the stream whose {@link state} this is. */
  static fromState(state: ArrayLike<number>): SeededRandom {
    const rng = new SeededRandom(0);
    rng.#a = state[0] | 0;
    rng.#b = state[1] | 0;
    rng.#c = state[2] | 0;
    rng.#d = state[3] | 0;
    return rng;
  }

  /** Advances the stream by `count` draws (as that many `nextUint32`/`nextFloat` calls). */
  skip(count: number): this {
    for (let i = 0; i < count; i++) this.nextUint32();
    return this;
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

/**
 * The random stream of task `taskIndex` for a tensor with per-tensor seed `seed` (DARE, DELLA):
 * seeded by mixSeed(seed, taskIndex), or resumed from `state` when the tensor is merged in blocks
 * and the engine computed where the stream stands at the block's first element.
 */
export function taskRandomStream(seed: number, taskIndex: number, state?: ArrayLike<number>): SeededRandom {
  return state === undefined ? new SeededRandom(mixSeed(seed, taskIndex)) : SeededRandom.fromState(state);
}

/**
 * Where each task's stream (see {@link taskRandomStream}) stands at each of `starts` (ascending
 * element indices), for a method drawing `drawsPerElement` numbers per element in element order:
 * `result[b][t]` is task t's state at block b.
 */
export function taskStreamStatesAt(
  seed: number,
  taskCount: number,
  drawsPerElement: number,
  starts: readonly number[],
): Uint32Array[][] {
  const out: Uint32Array[][] = starts.map(() => []);
  for (let t = 0; t < taskCount; t++) {
    const rng = taskRandomStream(seed, t);
    let at = 0;
    for (let b = 0; b < starts.length; b++) {
      rng.skip((starts[b] - at) * drawsPerElement);
      at = starts[b];
      out[b][t] = rng.state();
    }
  }
  return out;
}
