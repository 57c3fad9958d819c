import { AppError } from '../shared/index.js';

// `proj_out.weight` is tied to the token embedding (HF `_tied_weights_keys`), so a lookup falls back.
const PROJ_OUT = 'proj_out.weight';
const EMBED_TOKENS = 'model.decoder.embed_tokens.weight';

/**
 * Merged tensors held in memory, with a `WeightSource`-style accessor (`source`: name → float32
 * data) for the ONNX graph builder. Buffers are shared, not copied: callers must not modify them.
 */
export class MergedWeights {
  constructor(
    private readonly tensors: ReadonlyMap<string, Float32Array>,
    private readonly shapes: ReadonlyMap<string, readonly number[]>,
  ) {}

  /** Stored tensor names, sorted. */
  get tensorNames(): string[] {
    return [...this.tensors.keys()].sort();
  }

  /** Total float32 bytes held (aliases counted once). */
  get byteLength(): number {
    return [...new Set(this.tensors.values())].reduce((s, a) => s + a.byteLength, 0);
  }

  has(name: string): boolean {
    return this.tensors.has(this.#resolve(name));
  }

  /** @throws AppError `MODEL_NOT_FOUND` for an unknown tensor. */
  shapeOf(name: string): readonly number[] {
    const shape = this.shapes.get(this.#resolve(name));
    if (shape === undefined) throw this.#missing(name);
    return shape;
  }

  /** @throws AppError `MODEL_NOT_FOUND` for an unknown tensor. */
  get(name: string): Float32Array {
    const data = this.tensors.get(this.#resolve(name));
    if (data === undefined) throw this.#missing(name);
    return data;
  }

  /** A `WeightSource` function (name → data), as the whisper graph builder takes it. */
  readonly source = (name: string): Float32Array => this.get(name);

  /** The tensors as a map (shared buffers). */
  toMap(): ReadonlyMap<string, Float32Array> {
    return this.tensors;
  }

  #resolve(name: string): string {
    return name === PROJ_OUT && !this.tensors.has(PROJ_OUT) ? EMBED_TOKENS : name;
  }

  #missing(name: string): AppError {
    return new AppError('MODEL_NOT_FOUND', `Cannot read merged tensor ${name}: not in the merged model`);
  }
}
