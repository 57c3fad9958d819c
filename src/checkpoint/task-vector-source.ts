import type { RowRange } from './row-range.js';

/**
 * A task vector τ = θ_t − θ_0 (Ilharco et al. 2023, arXiv:2212.04089) as the merge engine
 * consumes it, tensor by tensor, whatever form it came in: a full fine-tuned checkpoint folder,
 * a delta safetensors file, or a PEFT LoRA adapter (ΔW = scale·B·A). Names are HF parameter names
 * of the base checkpoint; every delta has the base tensor's shape.
 */
export interface TaskVectorSource extends AsyncDisposable {
  readonly kind: 'checkpoint' | 'delta' | 'lora';
  /** Where it was opened from. */
  readonly path: string;
  /** The base tensors this source may change, sorted. Tensors not listed are unchanged. */
  names(): readonly string[];
  /** True when `name` is in {@link names}. */
  has(name: string): boolean;
  /** Shape of the delta of `name` (= the base tensor's shape). @throws AppError `MERGE_INPUT_INVALID` when not in names(). */
  shape(name: string): readonly number[];
  /**
   * The delta of one tensor as float32 (a fresh array the caller owns), or `null` when the source
   * leaves the tensor unchanged (all zeros). `base` is the base tensor in float32 when the caller
   * already holds it (saves a read for checkpoint sources; must not be modified by the source).
   * `into` (the element count read, not aliasing `base`) is an array the caller lends for
   * the result: a source may write the delta there and return it (no fresh memory), or ignore it
   * and return a fresh array; its contents are unspecified afterwards either way.
   * With `rows`, only those rows of the delta (see {@link RowRange}) are read, and `base`, `into`
   * and the result hold just those rows; `null` then means those rows are unchanged. A block read
   * gives exactly the same values as the matching slice of the whole tensor's delta.
   * @throws AppError `CHECKPOINT_INVALID` (bad or truncated file), `MERGE_SHAPE_MISMATCH`
   * (a `base` of the wrong length), `RESOURCE_CLOSED`; `INTERNAL` for rows out of range.
   */
  readDeltaF32(
    name: string,
    base?: Float32Array,
    into?: Float32Array,
    rows?: RowRange,
  ): Promise<Float32Array | null>;
  /** Content digest (sha256 hex) of the source (for content-addressed merge ids). */
  digest(): Promise<string>;
  /** Releases files. Idempotent. */
  close(): Promise<void>;
}
