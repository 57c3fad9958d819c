/**
 * Polar factor (nearest matrix with orthonormal rows/columns, the orthogonal-Procrustes solution
 * U·Vᵀ of X = U·Σ·Vᵀ) by Newton–Schulz iterations — only matrix products, all on the backend.
 *
 * Schedules:
 * - `'exact'` (default): pre-scale by a power-iteration estimate of ‖X‖₂, five growth steps of
 *   Muon's quintic (which lifts small singular values ×3.44 per step), then the classic quintic
 *   x·(15 − 10x² + 3x⁴)/8 (Higham, "Functions of Matrices" §8.3, order-3 convergence to 1) until
 *   the iterate stops changing. Matches the SVD polar factor to float32 accuracy for
 *   σ_min/σ_max ≳ 1e-4; null directions (σ = 0) stay zero.
 * - `'muon5'`: exactly Muon's `zeropower_via_newtonschulz5` in float32 — Frobenius pre-scaling and
 *   five steps of (a, b, c) = (3.4445, −4.7750, 2.0315) (KellerJordan/Muon `muon.py`), the
 *   BoostedTSV-M paper's setting (arXiv:2603.05354). Its singular values end in ≈ [0.7, 1.2], so
 *   the result sits tens of percent (Frobenius) away from the exact polar factor.
 */
import type { LinalgBackend } from './linalg-backend.js';
import { frobeniusNorm, type Matrix } from './matrix.js';

/** Newton–Schulz schedule; see the module comment. */
export type PolarSchedule = 'exact' | 'muon5';

/** Options of {@link polarNewtonSchulz}. */
export interface PolarOptions {
  readonly schedule?: PolarSchedule;
  /** Upper bound on classic steps of the `'exact'` schedule; default {@link NS_MAX_REFINE_STEPS}. */
  readonly maxSteps?: number;
}

/** Muon's quintic coefficients (KellerJordan/Muon, `zeropower_via_newtonschulz5`). */
export const MUON_QUINTIC: readonly [number, number, number] = [3.4445, -4.775, 2.0315];
/** Classic quintic Newton–Schulz x(15 − 10x² + 3x⁴)/8: p(1) = 1, p′(1) = p″(1) = 0. */
const CLASSIC_QUINTIC: readonly [number, number, number] = [15 / 8, -10 / 8, 3 / 8];
/** Muon's growth steps in the `'exact'` schedule: 3.44⁵ ≈ 480 lifts σ/σ_max ≥ 1e-3 above 0.4. */
const NS_GROWTH_STEPS = 5;
/** Upper bound on refinement steps (each ≥ ×1.8 on small σ; 20 covers σ/σ_max ≈ 1e-6). */
export const NS_MAX_REFINE_STEPS = 20;
/** Stop when ‖X_{j+1} − X_j‖_F ≤ this·‖X_j‖_F: float32 rounding floor ≈ 1e-7·√(dims). */
const NS_CONVERGED_REL_CHANGE = 2e-6;
/** Power-iteration steps for the ‖X‖₂ estimate; underestimates are absorbed by the safety margin. */
const SPECTRAL_POWER_STEPS = 24;
/** Margin over the estimated ‖X‖₂: Muon's quintic is stable for σ ≤ ≈1.25 after scaling. */
const SPECTRAL_SAFETY = 1.05;
/** Muon adds this to the Frobenius norm before dividing. */
const MUON_NORM_EPS = 1e-7;

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
  let scale: number;
  let gram: Matrix | undefined;
  if (schedule === 'muon5') {
    scale = 1 / (fro + MUON_NORM_EPS);
  } else {
    gram = await smallGram(backend, x, isTall);
    scale = 1 / (SPECTRAL_SAFETY * Math.sqrt(spectralRadiusEstimate(gram)));
  }
  let cur: Matrix = { data: x.data.map((v) => v * scale), rows: x.rows, cols: x.cols };
  if (gram !== undefined) {
    const s2 = scale * scale;
    gram = { data: gram.data.map((v) => v * s2), rows: gram.rows, cols: gram.cols };
  }
  const growth = schedule === 'muon5' ? 5 : NS_GROWTH_STEPS;
  for (let step = 0; step < growth; step++) {
    cur = (await quinticStep(backend, cur, isTall, MUON_QUINTIC, gram)).next;
    gram = undefined;
  }
  if (schedule === 'muon5') return cur;
  const maxSteps = options.maxSteps ?? NS_MAX_REFINE_STEPS;
  let previousChange = Infinity;
  for (let step = 0; step < maxSteps; step++) {
    const { next } = await quinticStep(backend, cur, isTall, CLASSIC_QUINTIC, undefined);
    const change = relativeChange(next.data, cur.data);
    cur = next;
    // Converged, or stalled at the float32 rounding floor (the change no longer shrinks).
    if (change <= NS_CONVERGED_REL_CHANGE || (change < 1e-4 && change >= previousChange)) break;
    previousChange = change;
  }
  return cur;
}

/** One step X ← aX + (bA + cA²)X (wide) or X(bA + cA²) (tall), A the Gram on the small side. */
async function quinticStep(
  backend: LinalgBackend,
  x: Matrix,
  isTall: boolean,
  [a, b, c]: readonly [number, number, number],
  knownGram: Matrix | undefined,
): Promise<{ next: Matrix }> {
  const gram = knownGram ?? (await smallGram(backend, x, isTall));
  const gram2 = await backend.gemm(gram, gram);
  const poly = new Float32Array(gram.data.length);
  for (let i = 0; i < poly.length; i++) poly[i] = b * gram.data[i] + c * gram2.data[i];
  const polyM = { data: poly, rows: gram.rows, cols: gram.cols };
  const prod = isTall ? await backend.gemm(x, polyM) : await backend.gemm(polyM, x);
  const out = prod.data;
  for (let i = 0; i < out.length; i++) out[i] += a * x.data[i];
  return { next: prod };
}

/** XᵀX (tall) or XXᵀ (wide): the Gram on the smaller side. */
function smallGram(backend: LinalgBackend, x: Matrix, isTall: boolean): Promise<Matrix> {
  return isTall ? backend.gemm(x, x, { transA: true }) : backend.gemm(x, x, { transB: true });
}

/** Largest eigenvalue of a symmetric PSD matrix by power iteration (float64 vectors). */
function spectralRadiusEstimate(g: Matrix): number {
  const n = g.rows;
  let v = new Float64Array(n);
  // Deterministic start with no special alignment: 1 + small index-dependent ripple.
  for (let i = 0; i < n; i++) v[i] = 1 + 0.5 * Math.sin(i * 1.618);
  let lambda = 0;
  for (let it = 0; it < SPECTRAL_POWER_STEPS; it++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      const off = i * n;
      for (let j = 0; j < n; j++) sum += g.data[off + j] * v[j];
      w[i] = sum;
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

function relativeChange(next: Float32Array, cur: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < next.length; i++) {
    const d = next[i] - cur[i];
    diff += d * d;
    norm += cur[i] * cur[i];
  }
  return norm === 0 ? 0 : Math.sqrt(diff / norm);
}
