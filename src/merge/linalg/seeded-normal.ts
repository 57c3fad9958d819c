/**
 * Deterministic standard-normal samples for randomized range finders: xoshiro128** seeded by
 * splitmix32, Box–Muller. Same seed → same bits on every platform (only integer ops and IEEE
 * float64 `Math.log`/`Math.cos`/`Math.sin`, which V8 computes with its own fdlibm port).
 */

/** Fills `out` with N(0, 1) samples derived from the 32-bit `seed`; returns `out`. */
export function fillStandardNormal(out: Float32Array, seed: number): Float32Array {
  // splitmix32 expands one 32-bit seed into the four xoshiro state words (never all zero).
  let sm = seed >>> 0;
  const next32 = (): number => {
    sm = (sm + 0x9e3779b9) >>> 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = next32();
  let s1 = next32();
  let s2 = next32();
  let s3 = next32();
  const uniform = (): number => {
    // xoshiro128** (Blackman & Vigna 2018).
    const r = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = rotl(s3, 11);
    // (0, 1]: never 0, so log() below is finite.
    return (r + 1) / 4294967296;
  };
  for (let i = 0; i < out.length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
