/**
 * Deterministic standard-normal samples for randomized range finders: xoshiro128** seeded by
 * splitmix32, Box–Muller. Same seed → same bits on every platform (only integer ops and IEEE
 * float64 `Math.log`/`Math.cos`/`Math.sin`, which V8 computes with its own fdlibm port).
 */

/** Fills `out` with N(0, 1) samples derived from the 32-bit `seed`; returns `out`. */
export function fillStandardNormal(out: Float32Array, seed: number): Float32Array {
  // splitmix32 expands one 32-bit seed into the four xoshiro state words (never all zero).
  let sm = seed >>> 0;
  const words = new Int32Array(4);
  for (let w = 0; w < 4; w++) {
    sm = (sm + 0x9e3779b9) >>> 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    words[w] = z ^ (z >>> 16);
  }
  let [s0, s1, s2, s3] = words;
  const n = out.length;
  // xoshiro128** (Blackman & Vigna 2018), two draws per Box–Muller pair, written inline on int32
  // state (the same bits as unsigned arithmetic: only the outputs are read as unsigned).
  for (let i = 0; i < n; i += 2) {
    let r1 = 0;
    let r2 = 0;
    for (let draw = 0; draw < 2; draw++) {
      const x = Math.imul(s1, 5);
      const r = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if (draw === 0) r1 = r;
      else r2 = r;
    }
    // (r + 1)/2³² is in (0, 1]: never 0, so log() is finite.
    const radius = Math.sqrt(-2 * Math.log((r1 + 1) / 4294967296));
    const angle = 2 * Math.PI * ((r2 + 1) / 4294967296);
    out[i] = radius * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}
