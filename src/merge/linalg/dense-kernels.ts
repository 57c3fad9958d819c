/**
 * The WebAssembly SIMD inner loops of the small dense float64 factorizations (Cholesky and its
 * triangular inverse, Householder tridiagonalization, QL rotations; `wasm/dense-f64.wat`) and
 * the workspace they run on: matrices live in the module's memory, so the loops need no copies.
 * One module per thread (each merge worker has its own); its memory grows to the largest
 * workspace asked for and stays (≈ 4·n² doubles for an n×n eigenproblem: 3.5 MB at n = 330).
 */
import { wasmBase64 } from './wasm/dense-f64.wasm.js';

/** The module's exports; every pointer is a byte address in `memory`. */
export interface DenseKernels {
  readonly memory: WebAssembly.Memory;
  choleskyUpdate(r: number, n: number, j: number): void;
  inverseRowUpdate(x: number, r: number, n: number, i: number): void;
  symvUpper(a: number, v: number, p: number, n: number, k: number): void;
  syr2Upper(a: number, v: number, w: number, n: number, k: number): void;
  reflectTrailing(q: number, v: number, r: number, beta: number, n: number, k: number): void;
  rotateRows(a: number, b: number, c: number, s: number, n: number): void;
}

const PAGE = 65536;
let kernels: DenseKernels | undefined;

/** This thread's module, instantiated on first use. */
export function denseKernels(): DenseKernels {
  if (kernels === undefined) {
    const module = new WebAssembly.Module(Buffer.from(wasmBase64, 'base64'));
    kernels = new WebAssembly.Instance(module).exports as unknown as DenseKernels;
  }
  return kernels;
}

/**
 * `doubles` float64 values at byte 0 of the module's memory, for one computation: valid until
 * the next call (a later workspace may move or reuse the memory), so results leave by copy.
 * Carve it with `subarray`; a view's byte address is its `byteOffset`.
 */
export function denseWorkspace(doubles: number): Float64Array {
  const k = denseKernels();
  const need = doubles * 8;
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / PAGE));
  return new Float64Array(k.memory.buffer, 0, doubles);
}
