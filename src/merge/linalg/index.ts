/**
 * Linear algebra of the merge engine (CONVENTIONS.md §2: every export named).
 * Heavy products on ONNX Runtime, small dense factorizations in TypeScript.
 */
export { type Matrix, createMatrix, matrixFrom, transposeMatrix, frobeniusNorm } from './matrix.js';
export { gemmTs, gemmShape, type GemmOptions } from './gemm-ts.js';
export { buildGemmModel, type GemmElementType } from './gemm-onnx-model.js';
export {
  LinalgBackend,
  configureSharedLinalgBackend,
  sharedLinalgBackend,
  ORT_GEMM_MIN_MULTIPLY_ADDS,
  type LinalgBackendOptions,
} from './linalg-backend.js';
export { fillStandardNormal } from './seeded-normal.js';
export { symmetricEigen, symmetricEigenvalues, type SymmetricEigen } from './symmetric-eigen.js';
export { householderQr, type ThinQr } from './householder-qr.js';
export { jacobiSvd, type Svd } from './jacobi-svd.js';
export { orthonormalizeColumns, choleskyInverseFactor, HOUSEHOLDER_QR_MAX_WORK } from './cholesky-qr.js';
export {
  truncatedSvd,
  dropNullDirections,
  NULL_SINGULAR_VALUE_REL_TOL,
  DEFAULT_OVERSAMPLES,
  DEFAULT_POWER_ITERATIONS,
  EXACT_SVD_MAX_WORK,
  type TruncatedSvdOptions,
} from './randomized-svd.js';
export {
  polarNewtonSchulz,
  MUON_QUINTIC,
  POLAR_LIFT_FLOOR_REL,
  optimalCubicStep,
  type PolarSchedule,
  type PolarOptions,
} from './polar-newton-schulz.js';
export { polarSvd } from './polar-svd.js';
export { combineTaskVectorsInto, sumTaskVectors, areAllZero } from './task-vector-combine.js';
export { keepTopMagnitudeInPlace } from './keep-top-magnitude.js';
export { isSvdMatrix, weightTaskVectors, type SvdEligibilityInput } from './svd-eligibility.js';
export { polarFactor, type PolarMethod } from './polar-factor.js';
export { nuclearNorm } from './nuclear-norm.js';
