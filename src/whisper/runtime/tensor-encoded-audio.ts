/**
 * Encoder output of one `encode()` call, as ONNX Runtime tensors: the cross-attention K/V per
 * decoder layer (chorus graphs) or the hidden states (optimum exports).
 */
import type * as ort from 'onnxruntime-node';
import { AppError } from '../../shared/index.js';
import type { EncodedAudio } from '../whisper-model.js';
import type { LayerKv } from './kv-decoder-state.js';

/** What the encoder produced. */
export interface EncodedTensors {
  readonly cross?: readonly LayerKv[];
  /** [batch, positions, d]. */
  readonly hidden?: ort.Tensor;
}

/** EncodedAudio backed by ORT tensors. */
export class TensorEncodedAudio implements EncodedAudio {
  #tensors: EncodedTensors | undefined;

  constructor(
    readonly batchSize: number,
    readonly positions: number,
    tensors: EncodedTensors,
    readonly owner: object,
  ) {
    this.#tensors = tensors;
  }

  /**
   * @throws AppError RESOURCE_CLOSED after dispose()
   */
  get tensors(): EncodedTensors {
    if (this.#tensors === undefined)
      throw new AppError('RESOURCE_CLOSED', 'Cannot use encoded audio: it was disposed');
    return this.#tensors;
  }

  dispose(): void {
    this.#tensors = undefined;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
