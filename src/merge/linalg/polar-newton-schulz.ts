/**
 * Polar factor (nearest matrix with orthonormal rows/columns, the orthogonal-Procrustes solution
 * U·Vᵀ of X = U·Σ·Vᵀ) by Newton–Schulz-type iterations — only matrix products, all on the backend.
 *
 * Schedules:
 * - `'exact'` (default): a fixed sequence of minimax-optimal odd cubics p(t) = a·t + b·t³ for the
 *   current singular-value interval [ℓ, 1] (the degree-3 case of Polar Express, Amsel, Persson,
 *   Musco & Gower 2025, arXiv:2505.16932), ending in the classic Newton–Schulz cubic
 *   (3t − t³)/2 (Higham, "Functions of Matrices" §8.3), cushioned at ℓ = 0.1 for float32 stability. X is first divided by a guaranteed upper
 *   bound of ‖X‖₂ (min of ‖XᵀX‖_∞ and trace), and ℓ₀ is {@link POLAR_LIFT_FLOOR_REL} times a
 *   power-iteration estimate of ‖X‖₂ over that bound, so every singular value above the floor
 *   converges to 1 to float32 accuracy: the result equals the SVD polar factor within 1e-3
 *   (relative Frobenius) whenever no singular value lies below the floor. Exactly-zero
 *   directions (dropped null triplets) stay exactly zero. For inputs with aspect ≥ 2 a Cholesky
 *   certificate may prove a larger lower bound of σ_min first (well-conditioned rectangular
 *   inputs, such as TSV-M's concatenated singular vectors of an MLP matrix): the schedule then
 *   starts there (≈ 5 steps instead of ≈ 15), and the default `'auto'` form iterates on the
 *   short-side Gram when that bound makes it accurate.
 * - `'muon5'`: exactly Muon's `zeropower_via_newtonschulz5` in float32 — Frobenius pre-scaling and
 *   five steps of (a, b, c) = (3.4445, −4.7750, 2.0315) (KellerJordan/Muon `muon.py`), the
 *   BoostedTSV-M paper's setting (arXiv:2603.05354). Its singular values end in ≈ [0.7, 1.2], so
 *   the result sits tens of percent (Frobenius) away from the exact polar factor.
 */
import type { LinalgBackend } from './linalg-backend.js';
import { frobeniusNorm, type Matrix } from './matrix.js';
import { isPositiveDefinite } from './cholesky-qr.js';
import { NULL_SINGULAR_VALUE_REL_TOL } from './randomized-svd.js';

/** Newton–Schulz schedule; see the module comment. */
export type PolarSchedule = 'exact' | 'muon5';

/** Options of {@link polarNewtonSchulz}. */
export interface PolarOptions {
  readonly schedule?: PolarSchedule;
  /**
   * `'direct'`: iterate on X. `'gram'`: for matrices with aspect ≥ 2, iterate on the short-side
   * Gram (≈ 2.7× fewer flops at 1280×5120) — it squares the condition number, so it matches the
   * SVD polar factor within 1e-3 only while σ_min/σ_max ≳ 1e-3 (the direct form: 1e-4).
   * `'auto'` (default): the Gram form where a certified bound shows σ_min/‖X‖₂ ≥
   * {@link GRAM_FORM_CERTIFIED_MIN}, else direct.
   */
  readonly form?: 'auto' | 'direct' | 'gram';
  /** Singular values below this fraction of ‖X‖₂ are not guaranteed to converge (default {@link POLAR_LIFT_FLOOR_REL}). */
  readonly liftFloorRel?: number;
}

/** Muon's quintic coefficients (KellerJordan/Muon, `zeropower_via_newtonschulz5`). */
export const MUON_QUINTIC: readonly [number, number, number] = [3.4445, -4.775, 2.0315];
/**
 * Default lift floor: the randomized SVD's null threshold, so "null" means the same below both.
 * For a random square 1280×1280 input, the expected number of singular values under it is ≈ 0.2.
 */
export const POLAR_LIFT_FLOOR_REL = NULL_SINGULAR_VALUE_REL_TOL;
/** Lowest ℓ a step is designed for (Polar Express's "cushion"): keeps p(1) ≥ 0.24, costs one step from 1e-4. */
const POLAR_CUSHION = 0.1;
/** The schedule ends once ℓ ≥ 1 − this (below float32 resolution of 1). */
const POLAR_CONVERGED_GAP = 1e-7;
/** Power-iteration steps for the ‖X‖₂ estimate that sets ℓ₀ (an underestimate only costs one step). */
const SPECTRAL_POWER_STEPS = 16;
/**
 * Long side ≥ this × short side → iterate on the short-side Gram (3 K³ products per step) rather
 * than on X (2 K²·n): cheaper once n > 1.5 K; 2 leaves margin for the extra float32 rounding of
 * working with squared singular values.
 */
const GRAM_FORM_MIN_ASPECT = 2;
/**
 * Long side ≥ this × short side K → before iterating, try to certify a lower bound of σ_min(X)
 * (see {@link certifiedSigmaMin}): one step there costs 2·K²·n ≥ 4·K³ multiply-adds on the
 * backend, the certificate about K³/3 in TypeScript, so it pays as soon as it saves a few steps.
 * Square inputs skip it: their steps cost less and their spectra (TSV-M's concatenated singular
 * vectors) usually reach down to the floor anyway.
 */
const CERTIFY_MIN_ASPECT = 2;
/** Power steps on I − Ĝ for the λ_min(Ĝ) estimate the certificate then tests. */
const LAMBDA_MIN_POWER_STEPS = 24;
/** The certificate tests λ_min(Ĝ) > this fraction of the estimate (which is ≥ λ_min(Ĝ)). */
const CERTIFY_FRACTION = 0.25;
/**
 * The smallest certified σ_min/‖X‖₂ used (a smaller one returns 0). Two reasons: the certificate
 * is about the Gram computed in float32, whose rounding (≈ 1e-6·‖Ĝ‖ in practice) must stay far
 * below the μ = σ² it proves; and from this bound on `'auto'` takes the Gram form, the condition
 * number being ≤ 100, where that form stays within 1e-4 of the SVD polar factor (tests), well
 * inside the 1e-3 it keeps down to σ_min/σ_max ≈ 1e-3.
 */
const GRAM_FORM_CERTIFIED_MIN = 1e-2;
/** Classic steps on X after the Gram form (error e → 1.5e² per step). */
const GRAM_FORM_POLISH_STEPS = 1;
/** Muon adds this to the Frobenius norm before dividing. */
const MUON_NORM_EPS = 1e-7;

/**
 * Coefficients (a, b) of the minimax odd cubic approximating 1 on [ℓ, 1], normalized so its
 * maximum is 1; returns the image interval's lower end ℓ′ too. Equioscillation at ℓ, t* and 1:
 * p(ℓ) = p(1) = 1 − E, p(t*) = 1 + E with t*² = (1 + ℓ + ℓ²)/3.
 */
export function optimalCubicStep(l: number): { a: number; b: number; next: number } {
  const s = 1 + l + l * l;
  const tStar = Math.sqrt(s / 3);
  let a = 2 / ((2 / 3) * tStar + (l + l * l) / s);
  let b = -a / s;
  const err = 1 - (a * l + b * l * l * l);
  a /= 1 + err;
  b /= 1 + err;
  return { a, b, next: (1 - err) / (1 + err) };
}

/** The polar factor of `x` (same shape): orthonormal columns if tall, orthonormal rows if wide. */
export async function polarNewtonSchulz(
  backend: LinalgBackend,
  x: Matrix,
  options: PolarOptions = {},
): Promise<Matrix> {
  const schedule = options.schedule ?? 'exact';
  const isTall = x.rows > x.cols;
  const fro = frobeniusNorm(x);
  if (fro === 0) return { data: new Float32Array(x.data.length), rows: x.rows, cols: x.cols };
  if (schedule === 'muon5') {
    const scale = 1 / (fro + MUON_NORM_EPS);
    let cur: Matrix = { data: x.data.map((v) => v * scale), rows: x.rows, cols: x.cols };
    for (let step = 0; step < 5; step++)
      cur = await quinticStep(backend, cur, isTall, MUON_QUINTIC, undefined);
    return cur;
  }
  let gram: Matrix | undefined = await smallGram(backend, x, isTall);
  const upper = Math.sqrt(gramUpperBound(gram)); // ≥ ‖X‖₂, guaranteed
  const estimate = Math.sqrt(spectralRadiusEstimate(gram)); // ≤ ‖X‖₂, close to it
  const scale = 1 / upper;
  const s2 = scale * scale;
  gram = { data: gram.data.map((v) => v * s2), rows: gram.rows, cols: gram.cols };
  const steps: { a: number; b: number }[] = [];
  const floor = Math.max(
    Number.MIN_VALUE,
    ((options.liftFloorRel ?? POLAR_LIFT_FLOOR_REL) * estimate) / upper,
  );
  const small = Math.min(x.rows, x.cols);
  const aspect = Math.max(x.rows, x.cols) / small;
  // σ_min(X)·scale ≥ certified > 0 when the certificate holds: no singular value below it, so
  // the schedule may start there instead of at the floor.
  const certified = aspect >= CERTIFY_MIN_ASPECT ? certifiedSigmaMin(gram, floor) : 0;
  let l = Math.max(floor, certified);
  while (l < 1 - POLAR_CONVERGED_GAP) {
    // Cushioned: designing for ℓ below the cushion would map σ = 1 to ≈ 2.6ℓ, cancelling
    // float32 digits in aX + bX·XᵀX; small σ still grow by ≈ 2.5× per step.
    const { a, b } = optimalCubicStep(Math.max(l, POLAR_CUSHION));
    steps.push({ a, b });
    l = Math.min(a * l + b * l * l * l, a + b);
  }
  const form = options.form ?? 'auto';
  const isGramForm =
    aspect >= GRAM_FORM_MIN_ASPECT && (form === 'gram' || (form === 'auto' && certified > 0));
  if (isGramForm) {
    const m = await gramFormMultiplier(backend, gram, steps);
    const approx = isTall ? await backend.gemm(x, m) : await backend.gemm(m, x);
    for (let i = 0; i < approx.data.length; i++) approx.data[i] *= scale;
    // The Gram form works with σ², so float32 blurs σ ≲ 3e-4·σ₁ by a few percent; classic
    // steps on X itself (error e → 1.5e² each) restore them.
    let polished = approx;
    for (let step = 0; step < GRAM_FORM_POLISH_STEPS; step++)
      polished = await cubicStep(backend, polished, isTall, 1.5, -0.5, undefined);
    return polished;
  }
  let cur: Matrix = { data: x.data.map((v) => v * scale), rows: x.rows, cols: x.cols };
  for (const { a, b } of steps) {
    cur = await cubicStep(backend, cur, isTall, a, b, gram);
    gram = undefined;
  }
  return cur;
}

/**
 * The same iteration on the small side only: with X_j = M_j·X₀ (wide) or X₀·M_j (tall) and
 * S_j the Gram of X_j, every M_j and S_j is a polynomial in S₀, so they commute and
 * P = aI + bS_j, M ← P·M, S ← P·(P·S): three K×K products per step instead of two K×K×n ones.
 */
async function gramFormMultiplier(
  backend: LinalgBackend,
  s0: Matrix,
  steps: readonly { a: number; b: number }[],
): Promise<Matrix> {
  const k = s0.rows;
  let m: Matrix | undefined;
  let s = s0;
  for (const { a, b } of steps) {
    const p = new Float32Array(k * k);
    for (let i = 0; i < p.length; i++) p[i] = b * s.data[i];
    for (let i = 0; i < k; i++) p[i * k + i] += a;
    const pm = { data: p, rows: k, cols: k };
    m = m === undefined ? pm : await backend.gemm(pm, m);
    s = await backend.gemm(pm, await backend.gemm(pm, s));
  }
  if (m !== undefined) return m;
  const eye = new Float32Array(k * k);
  for (let i = 0; i < k; i++) eye[i * k + i] = 1;
  return { data: eye, rows: k, cols: k };
}

/** X ← aX + b·X·(XᵀX) (tall) or aX + b·(XXᵀ)·X (wide). */
async function cubicStep(
  backend: LinalgBackend,
  x: Matrix,
  isTall: boolean,
  a: number,
  b: number,
  knownGram: Matrix | undefined,
): Promise<Matrix> {
  const gram = knownGram ?? (await smallGram(backend, x, isTall));
  const prod = isTall ? await backend.gemm(x, gram) : await backend.gemm(gram, x);
  const out = prod.data;
  for (let i = 0; i < out.length; i++) out[i] = a * x.data[i] + b * out[i];
  return prod;
}

/** One step X ← aX + (bA + cA²)X (wide) or X(bA + cA²) (tall), A the Gram on the small side. */
async function quinticStep(
  backend: LinalgBackend,
  x: Matrix,
  isTall: boolean,
  [a, b, c]: readonly [number, number, number],
  knownGram: Matrix | undefined,
): Promise<Matrix> {
  const gram = knownGram ?? (await smallGram(backend, x, isTall));
  const gram2 = await backend.gemm(gram, gram);
  const poly = new Float32Array(gram.data.length);
  for (let i = 0; i < poly.length; i++) poly[i] = b * gram.data[i] + c * gram2.data[i];
  const polyM = { data: poly, rows: gram.rows, cols: gram.cols };
  const prod = isTall ? await backend.gemm(x, polyM) : await backend.gemm(polyM, x);
  const out = prod.data;
  for (let i = 0; i < out.length; i++) out[i] += a * x.data[i];
  return prod;
}

/** XᵀX (tall) or XXᵀ (wide): the Gram on the smaller side. */
function smallGram(backend: LinalgBackend, x: Matrix, isTall: boolean): Promise<Matrix> {
  return isTall ? backend.gemm(x, x, { transA: true }) : backend.gemm(x, x, { transB: true });
}

/** Guaranteed upper bound of λ_max of a symmetric PSD matrix: min(‖G‖_∞, trace G). */
function gramUpperBound(g: Matrix): number {
  const n = g.rows;
  let inf = 0;
  let trace = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += Math.abs(g.data[i * n + j]);
    inf = Math.max(inf, row);
    trace += g.data[i * n + i];
  }
  // float32 Gram entries carry relative rounding; a 1e-5 margin keeps the bound an upper bound.
  return Math.min(inf, trace) * (1 + 1e-5);
}

/**
 * A certified lower bound of σ_min for the X whose scaled Gram is `g` (eigenvalues in [0, 1]),
 * or 0 when none above `floor` and {@link GRAM_FORM_CERTIFIED_MIN} can be certified. Power iteration on I − Ĝ gives an estimate
 * λ̃ ≥ λ_min(Ĝ) (‖(I − Ĝ)v‖/‖v‖ never exceeds 1 − λ_min, I − Ĝ being PSD); the bound is then
 * proved, not assumed: the float64 Cholesky of Ĝ − μ·I (μ = {@link CERTIFY_FRACTION}·λ̃) only
 * succeeds when λ_min(Ĝ) > μ (up to ≈ K·ε₆₄ rounding), and then √μ ≤ σ_min. Exactly-zero
 * directions (λ = 0) always fail it, so such inputs keep the floor.
 */
function certifiedSigmaMin(g: Matrix, floor: number): number {
  const n = g.rows;
  const mu = CERTIFY_FRACTION * Math.max(0, lambdaMinEstimate(g));
  if (!(Math.sqrt(mu) >= GRAM_FORM_CERTIFIED_MIN && Math.sqrt(mu) > floor)) return 0;
  return isPositiveDefinite(Float64Array.from(g.data), n, -mu) ? Math.sqrt(mu) : 0;
}

/** An upper estimate of λ_min(G) for G with eigenvalues in [0, 1]: 1 − (estimate of λ_max(I − G)). */
function lambdaMinEstimate(g: Matrix): number {
  return 1 - powerIterationNorm(g, LAMBDA_MIN_POWER_STEPS, true);
}

/** Largest eigenvalue of a symmetric PSD matrix by power iteration (float64 vectors). */
function spectralRadiusEstimate(g: Matrix): number {
  return powerIterationNorm(g, SPECTRAL_POWER_STEPS, false);
}

/**
 * ‖M·v‖/‖v‖ after `steps` power steps on M = G, or M = I − G (`complement`), for a symmetric G
 * with M positive semidefinite: never above λ_max(M), and close to it (float64 vectors).
 */
function powerIterationNorm(g: Matrix, steps: number, complement: boolean): number {
  const n = g.rows;
  let v = new Float64Array(n);
  // Deterministic start with no special alignment: 1 + small index-dependent ripple.
  for (let i = 0; i < n; i++) v[i] = 1 + 0.5 * Math.sin(i * 1.618);
  let lambda = 0;
  for (let it = 0; it < steps; it++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      const off = i * n;
      for (let j = 0; j < n; j++) sum += g.data[off + j] * v[j];
      w[i] = complement ? v[i] - sum : sum;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += w[i] * w[i];
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    let vnorm = 0;
    for (let i = 0; i < n; i++) vnorm += v[i] * v[i];
    lambda = norm / Math.sqrt(vnorm);
    for (let i = 0; i < n; i++) w[i] /= norm;
    v = w;
  }
  return lambda;
}
