import { AppError } from '../shared/index.js';

/** Radices with hand-written butterflies; any other prime factor uses the generic O(p²) butterfly. */
const FAST_RADICES = [4, 2, 3, 5] as const;

interface Stage {
  radix: number;
  /** Sub-transform length after this stage (n_cur / radix). */
  m: number;
  /** Stride of the interleaved sub-transforms before this stage. */
  stride: number;
  /** Twiddles w^(j·k), j < m, 1 ≤ k < radix, stored [j][k-1] as cos and -sin (forward). */
  twRe: Float64Array;
  twIm: Float64Array;
}

/**
 * Forward complex DFT of a fixed size, X[k] = Σ x[n]·e^(−2πi·nk/N), by a mixed-radix Stockham
 * autosort (decimation in frequency; no bit reversal, natural order in and out). Tables are built
 * once; {@link ComplexFft.transform} allocates nothing. 400-point real frames use N = 200 = 4·2·5·5.
 */
export class ComplexFft {
  readonly size: number;
  readonly #stages: Stage[] = [];
  readonly #workRe: Float64Array;
  readonly #workIm: Float64Array;
  /** e^(−2πi·r/p) for the generic butterfly, per radix. */
  readonly #rootsRe = new Map<number, Float64Array>();
  readonly #rootsIm = new Map<number, Float64Array>();
  readonly #scratchRe: Float64Array;
  readonly #scratchIm: Float64Array;

  /** @throws AppError `REQUEST_INVALID` unless `size` is a positive integer. */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new AppError('REQUEST_INVALID', `Cannot plan FFT: size ${size}`);
    this.size = size;
    this.#workRe = new Float64Array(size);
    this.#workIm = new Float64Array(size);
    let nCur = size;
    let stride = 1;
    let maxRadix = 1;
    for (const radix of factorize(size)) {
      const m = nCur / radix;
      const twRe = new Float64Array(m * (radix - 1));
      const twIm = new Float64Array(m * (radix - 1));
      for (let j = 0; j < m; j++) {
        for (let k = 1; k < radix; k++) {
          const angle = (-2 * Math.PI * ((j * k) % nCur)) / nCur;
          twRe[j * (radix - 1) + k - 1] = Math.cos(angle);
          twIm[j * (radix - 1) + k - 1] = Math.sin(angle);
        }
      }
      this.#stages.push({ radix, m, stride, twRe, twIm });
      if (!(FAST_RADICES as readonly number[]).includes(radix) && !this.#rootsRe.has(radix)) {
        const re = new Float64Array(radix);
        const im = new Float64Array(radix);
        for (let r = 0; r < radix; r++) {
          re[r] = Math.cos((-2 * Math.PI * r) / radix);
          im[r] = Math.sin((-2 * Math.PI * r) / radix);
        }
        this.#rootsRe.set(radix, re);
        this.#rootsIm.set(radix, im);
      }
      maxRadix = Math.max(maxRadix, radix);
      nCur = m;
      stride *= radix;
    }
    this.#scratchRe = new Float64Array(maxRadix);
    this.#scratchIm = new Float64Array(maxRadix);
  }

  /** In-place forward transform of (re, im), both of length `size`. */
  transform(re: Float64Array, im: Float64Array): void {
    let xr = re;
    let xi = im;
    let yr = this.#workRe;
    let yi = this.#workIm;
    for (const st of this.#stages) {
      switch (st.radix) {
        case 2:
          radix2(st, xr, xi, yr, yi);
          break;
        case 3:
          radix3(st, xr, xi, yr, yi);
          break;
        case 4:
          radix4(st, xr, xi, yr, yi);
          break;
        case 5:
          radix5(st, xr, xi, yr, yi);
          break;
        default:
          this.#radixGeneric(st, xr, xi, yr, yi);
      }
      const tr = xr;
      const ti = xi;
      xr = yr;
      xi = yi;
      yr = tr;
      yi = ti;
    }
    if (xr !== re) {
      re.set(xr);
      im.set(xi);
    }
  }

  #radixGeneric(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
    const { radix: p, m, stride: s, twRe, twIm } = st;
    const rr = this.#rootsRe.get(p) as Float64Array;
    const ri = this.#rootsIm.get(p) as Float64Array;
    const ar = this.#scratchRe;
    const ai = this.#scratchIm;
    for (let j = 0; j < m; j++) {
      for (let q = 0; q < s; q++) {
        for (let r = 0; r < p; r++) {
          ar[r] = xr[q + s * (j + r * m)];
          ai[r] = xi[q + s * (j + r * m)];
        }
        for (let k = 0; k < p; k++) {
          let sr = 0;
          let si = 0;
          for (let r = 0; r < p; r++) {
            const e = (r * k) % p;
            sr += ar[r] * rr[e] - ai[r] * ri[e];
            si += ar[r] * ri[e] + ai[r] * rr[e];
          }
          const out = q + s * (p * j + k);
          if (k === 0) {
            yr[out] = sr;
            yi[out] = si;
          } else {
            const wr = twRe[j * (p - 1) + k - 1];
            const wi = twIm[j * (p - 1) + k - 1];
            yr[out] = sr * wr - si * wi;
            yi[out] = sr * wi + si * wr;
          }
        }
      }
    }
  }
}

/** Factors `n` into radices, 4s first (fewest passes), then 2, 3, 5, then other primes. */
export function factorize(n: number): number[] {
  const out: number[] = [];
  let rest = n;
  for (const f of FAST_RADICES) {
    while (rest % f === 0) {
      out.push(f);
      rest /= f;
    }
  }
  for (let f = 7; f * f <= rest; f += 2) {
    while (rest % f === 0) {
      out.push(f);
      rest /= f;
    }
  }
  if (rest > 1) out.push(rest);
  return out;
}

function radix2(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, stride: s, twRe, twIm } = st;
  for (let j = 0; j < m; j++) {
    const wr = twRe[j];
    const wi = twIm[j];
    for (let q = 0; q < s; q++) {
      const i0 = q + s * j;
      const i1 = i0 + s * m;
      const ar = xr[i0];
      const ai = xi[i0];
      const br = xr[i1];
      const bi = xi[i1];
      const o = q + s * 2 * j;
      yr[o] = ar + br;
      yi[o] = ai + bi;
      const dr = ar - br;
      const di = ai - bi;
      yr[o + s] = dr * wr - di * wi;
      yi[o + s] = dr * wi + di * wr;
    }
  }
}

const SIN_60 = Math.sqrt(3) / 2;

function radix3(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, stride: s, twRe, twIm } = st;
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const w1r = twRe[2 * j];
    const w1i = twIm[2 * j];
    const w2r = twRe[2 * j + 1];
    const w2i = twIm[2 * j + 1];
    for (let q = 0; q < s; q++) {
      const i0 = q + s * j;
      const a0r = xr[i0];
      const a0i = xi[i0];
      const a1r = xr[i0 + sm];
      const a1i = xi[i0 + sm];
      const a2r = xr[i0 + 2 * sm];
      const a2i = xi[i0 + 2 * sm];
      const tr = a1r + a2r;
      const ti = a1i + a2i;
      const mr = a0r - 0.5 * tr;
      const mi = a0i - 0.5 * ti;
      // −i·sin60·(a1 − a2)
      const nr = SIN_60 * (a1i - a2i);
      const ni = -SIN_60 * (a1r - a2r);
      const o = q + s * 3 * j;
      yr[o] = a0r + tr;
      yi[o] = a0i + ti;
      const b1r = mr + nr;
      const b1i = mi + ni;
      const b2r = mr - nr;
      const b2i = mi - ni;
      yr[o + s] = b1r * w1r - b1i * w1i;
      yi[o + s] = b1r * w1i + b1i * w1r;
      yr[o + 2 * s] = b2r * w2r - b2i * w2i;
      yi[o + 2 * s] = b2r * w2i + b2i * w2r;
    }
  }
}

function radix4(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, stride: s, twRe, twIm } = st;
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const w1r = twRe[3 * j];
    const w1i = twIm[3 * j];
    const w2r = twRe[3 * j + 1];
    const w2i = twIm[3 * j + 1];
    const w3r = twRe[3 * j + 2];
    const w3i = twIm[3 * j + 2];
    for (let q = 0; q < s; q++) {
      const i0 = q + s * j;
      const a0r = xr[i0];
      const a0i = xi[i0];
      const a1r = xr[i0 + sm];
      const a1i = xi[i0 + sm];
      const a2r = xr[i0 + 2 * sm];
      const a2i = xi[i0 + 2 * sm];
      const a3r = xr[i0 + 3 * sm];
      const a3i = xi[i0 + 3 * sm];
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      // −i·(a1 − a3)
      const t3r = a1i - a3i;
      const t3i = a3r - a1r;
      const o = q + s * 4 * j;
      yr[o] = t0r + t2r;
      yi[o] = t0i + t2i;
      const b1r = t1r + t3r;
      const b1i = t1i + t3i;
      const b2r = t0r - t2r;
      const b2i = t0i - t2i;
      const b3r = t1r - t3r;
      const b3i = t1i - t3i;
      yr[o + s] = b1r * w1r - b1i * w1i;
      yi[o + s] = b1r * w1i + b1i * w1r;
      yr[o + 2 * s] = b2r * w2r - b2i * w2i;
      yi[o + 2 * s] = b2r * w2i + b2i * w2r;
      yr[o + 3 * s] = b3r * w3r - b3i * w3i;
      yi[o + 3 * s] = b3r * w3i + b3i * w3r;
    }
  }
}

const C1_5 = Math.cos((2 * Math.PI) / 5);
const C2_5 = Math.cos((4 * Math.PI) / 5);
const S1_5 = Math.sin((2 * Math.PI) / 5);
const S2_5 = Math.sin((4 * Math.PI) / 5);

function radix5(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, stride: s, twRe, twIm } = st;
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const t = 4 * j;
    for (let q = 0; q < s; q++) {
      const i0 = q + s * j;
      const a0r = xr[i0];
      const a0i = xi[i0];
      const a1r = xr[i0 + sm];
      const a1i = xi[i0 + sm];
      const a2r = xr[i0 + 2 * sm];
      const a2i = xi[i0 + 2 * sm];
      const a3r = xr[i0 + 3 * sm];
      const a3i = xi[i0 + 3 * sm];
      const a4r = xr[i0 + 4 * sm];
      const a4i = xi[i0 + 4 * sm];
      const s1r = a1r + a4r;
      const s1i = a1i + a4i;
      const s2r = a2r + a3r;
      const s2i = a2i + a3i;
      const d1r = a1r - a4r;
      const d1i = a1i - a4i;
      const d2r = a2r - a3r;
      const d2i = a2i - a3i;
      const e1r = a0r + C1_5 * s1r + C2_5 * s2r;
      const e1i = a0i + C1_5 * s1i + C2_5 * s2i;
      const e2r = a0r + C2_5 * s1r + C1_5 * s2r;
      const e2i = a0i + C2_5 * s1i + C1_5 * s2i;
      // Y1,4 = e1 ∓ i·(S1·d1 + S2·d2); Y2,3 = e2 ∓ i·(S2·d1 − S1·d2); −i·(u) = (u.im, −u.re)
      const f1r = S1_5 * d1r + S2_5 * d2r;
      const f1i = S1_5 * d1i + S2_5 * d2i;
      const f2r = S2_5 * d1r - S1_5 * d2r;
      const f2i = S2_5 * d1i - S1_5 * d2i;
      const o = q + s * 5 * j;
      yr[o] = a0r + s1r + s2r;
      yi[o] = a0i + s1i + s2i;
      twiddleStore(yr, yi, o + s, e1r + f1i, e1i - f1r, twRe[t], twIm[t]);
      twiddleStore(yr, yi, o + 2 * s, e2r + f2i, e2i - f2r, twRe[t + 1], twIm[t + 1]);
      twiddleStore(yr, yi, o + 3 * s, e2r - f2i, e2i + f2r, twRe[t + 2], twIm[t + 2]);
      twiddleStore(yr, yi, o + 4 * s, e1r - f1i, e1i + f1r, twRe[t + 3], twIm[t + 3]);
    }
  }
}

function twiddleStore(
  yr: Float64Array,
  yi: Float64Array,
  at: number,
  br: number,
  bi: number,
  wr: number,
  wi: number,
): void {
  yr[at] = br * wr - bi * wi;
  yi[at] = br * wi + bi * wr;
}
