/**
 * Matrix products for the merge linear algebra: ONNX Runtime `Gemm` sessions (multi-threaded
 * MLAS on CPU, cuBLAS when the CUDA provider is requested and present) for large products, the
 * float64-accumulating TypeScript kernel for small ones. Sessions are cached per transpose class;
 * dimensions are dynamic, so shapes never multiply sessions.
 */
import * as ort from 'onnxruntime-node';
import { AppError } from '../../shared/index.js';
import { buildGemmModel, type GemmElementType } from './gemm-onnx-model.js';
import { gemmShape, gemmTs, type GemmOptions } from './gemm-ts.js';
import type { Matrix } from './matrix.js';

/**
 * Below this many multiply-adds a TypeScript product beats an ORT call: ≈ 0.1-0.2 ms of per-run
 * overhead vs ≈ 3-5 ns per multiply-add in the TS kernel (bench/results/linalg.json: 64³ took
 * 0.16 ms on ORT and 0.82 ms in TS under load in November, 0.24 and 1.41 ms on a quiet VM in
 * session 12), so the crossover is near 32³.
 */
export const ORT_GEMM_MIN_MULTIPLY_ADDS = 32 * 32 * 32;

/** Construction options of {@link LinalgBackend}. */
export interface LinalgBackendOptions {
  /** ORT execution providers in order of preference; default `['cpu']`. Pass `['cuda', 'cpu']` on a CUDA build. */
  readonly executionProviders?: readonly string[];
  /** ORT intra-op threads; default: ORT's choice (one per core). */
  readonly intraOpThreadCount?: number;
  /** Products with fewer multiply-adds run in TypeScript; default {@link ORT_GEMM_MIN_MULTIPLY_ADDS}. */
  readonly ortMinMultiplyAdds?: number;
  /** Force every product through TypeScript (tests, or when ORT is unavailable). */
  readonly isTypeScriptOnly?: boolean;
}

/** Owns the ORT sessions used for merge linear algebra. `close()` releases them. */
export class LinalgBackend {
  readonly #sessions = new Map<string, Promise<ort.InferenceSession>>();
  readonly #options: LinalgBackendOptions;
  #closed = false;

  constructor(options: LinalgBackendOptions = {}) {
    this.#options = options;
  }

  /**
   * `op(A) · op(B)` as a new float32 matrix.
   * @throws AppError RESOURCE_CLOSED after `close()`; RUNTIME_UNAVAILABLE when ORT fails.
   */
  async gemm(a: Matrix, b: Matrix, options: GemmOptions = {}): Promise<Matrix> {
    if (this.#closed)
      throw new AppError('RESOURCE_CLOSED', 'Cannot multiply matrices: linalg backend is closed');
    const { m, k, n } = gemmShape(a, b, options);
    const minWork = this.#options.ortMinMultiplyAdds ?? ORT_GEMM_MIN_MULTIPLY_ADDS;
    if (this.#options.isTypeScriptOnly === true || m * k * n < minWork || m === 0 || n === 0 || k === 0) {
      return gemmTs(a, b, options);
    }
    const transA = options.transA === true;
    const transB = options.transB === true;
    const session = await this.#session(transA, transB);
    try {
      const feeds = {
        A: new ort.Tensor('float32', a.data, [a.rows, a.cols]),
        B: new ort.Tensor('float32', b.data, [b.rows, b.cols]),
      };
      const result = await session.run(feeds);
      const y = result.Y;
      if (y === undefined) throw new Error('Gemm produced no output');
      const data = y.data as Float32Array;
      y.dispose?.();
      return { data, rows: m, cols: n };
    } catch (err) {
      throw new AppError('RUNTIME_UNAVAILABLE', `Cannot run ORT Gemm ${m}×${k}×${n}: ${String(err)}`, {
        cause: err,
      });
    }
  }

  /**
   * Gram matrix in float64 of a float32 matrix: `AᵀA` (`side: 'cols'`, cols×cols) or `AAᵀ`
   * (`side: 'rows'`, rows×rows), row-major. Float64 keeps eigenvalues of the Gram accurate far
   * below float32's √eps·‖A‖² noise floor, which the null-direction test depends on.
   * @throws AppError RESOURCE_CLOSED after `close()`; RUNTIME_UNAVAILABLE when ORT fails.
   */
  async gram64(a: Matrix, side: 'rows' | 'cols'): Promise<Float64Array> {
    if (this.#closed)
      throw new AppError('RESOURCE_CLOSED', 'Cannot compute a Gram matrix: linalg backend is closed');
    const n = side === 'cols' ? a.cols : a.rows;
    const k = side === 'cols' ? a.rows : a.cols;
    const minWork = this.#options.ortMinMultiplyAdds ?? ORT_GEMM_MIN_MULTIPLY_ADDS;
    const a64 = Float64Array.from(a.data);
    if (this.#options.isTypeScriptOnly === true || n * n * k < minWork || n === 0 || k === 0) {
      return gram64Ts(a64, a.rows, a.cols, side);
    }
    const session = await this.#session(side === 'cols', side === 'rows', 'float64');
    try {
      const t = new ort.Tensor('float64', a64, [a.rows, a.cols]);
      const result = await session.run({ A: t, B: t });
      const y = result.Y;
      if (y === undefined) throw new Error('Gemm produced no output');
      return y.data as Float64Array;
    } catch (err) {
      throw new AppError('RUNTIME_UNAVAILABLE', `Cannot run ORT Gram ${n}×${k}: ${String(err)}`, {
        cause: err,
      });
    }
  }

  /** Releases the cached sessions; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    for (const s of sessions) {
      try {
        await (await s).release();
      } catch {
        // A session that failed to build has nothing to release.
      }
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #session(
    transA: boolean,
    transB: boolean,
    elementType: GemmElementType = 'float32',
  ): Promise<ort.InferenceSession> {
    const key = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}${elementType}`;
    let s = this.#sessions.get(key);
    if (s === undefined) {
      const sessionOptions: ort.InferenceSession.SessionOptions = {
        executionProviders: [...(this.#options.executionProviders ?? ['cpu'])],
        graphOptimizationLevel: 'all',
        // No busy-waiting between products: the TypeScript steps in between need the core, and
        // the machine is shared (ORT's default spins intra-op threads after each run).
        extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
        ...(this.#options.intraOpThreadCount === undefined
          ? {}
          : { intraOpNumThreads: this.#options.intraOpThreadCount }),
      };
      s = ort.InferenceSession.create(buildGemmModel(transA, transB, elementType), sessionOptions).catch(
        (err: unknown) => {
          this.#sessions.delete(key);
          throw new AppError('RUNTIME_UNAVAILABLE', `Cannot create ORT Gemm session: ${String(err)}`, {
            cause: err,
          });
        },
      );
      this.#sessions.set(key, s);
    }
    return s;
  }
}

function gram64Ts(a: Float64Array, rows: number, cols: number, side: 'rows' | 'cols'): Float64Array {
  if (side === 'rows') {
    const g = new Float64Array(rows * rows);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = 0;
        for (let p = 0; p < cols; p++) sum += a[i * cols + p] * a[j * cols + p];
        g[i * rows + j] = sum;
        g[j * rows + i] = sum;
      }
    }
    return g;
  }
  const g = new Float64Array(cols * cols);
  for (let p = 0; p < rows; p++) {
    const off = p * cols;
    for (let i = 0; i < cols; i++) {
      const x = a[off + i];
      if (x === 0) continue;
      for (let j = 0; j < cols; j++) g[i * cols + j] += x * a[off + j];
    }
  }
  return g;
}

let sharedBackend: LinalgBackend | undefined;
let sharedOptions: LinalgBackendOptions = {};

/**
 * The process-wide backend used by the exported merge-method objects, created on first use.
 * This is the one deliberate piece of module-level state in `merge/`: `MergeMethod.mergeTensorInto`
 * has no context argument, and ORT sessions must outlive a single tensor (creating one per
 * product would cost more than the product). Each worker thread gets its own.
 * Methods built with `create…({ backend })` use an injected backend instead.
 */
export function sharedLinalgBackend(): LinalgBackend {
  sharedBackend ??= new LinalgBackend(sharedOptions);
  return sharedBackend;
}

/**
 * Sets the options of this thread's {@link sharedLinalgBackend} (its ORT intra-op thread count:
 * a merge worker of a pool of N on P cores gets ⌊P/N⌋, so the pool does not oversubscribe).
 * @throws AppError INTERNAL once the shared backend exists (its sessions are already built).
 */
export function configureSharedLinalgBackend(options: LinalgBackendOptions): void {
  if (sharedBackend !== undefined)
    throw new AppError('INTERNAL', 'Cannot configure the shared linalg backend: it is already in use');
  sharedOptions = options;
}
