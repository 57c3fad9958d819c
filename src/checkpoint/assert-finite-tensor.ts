import { AppError, firstNonFiniteIndex } from '../shared/index.js';

/**
 * Refuses weights holding NaN or ±Inf (a diverged fine-tune, a bad fp16 overflow), so they never
 * reach a model: one NaN weight turns every output into NaN.
 * @param where the file or folder the tensor came from, for the message.
 * @throws AppError `CHECKPOINT_INVALID` naming the tensor, the first bad index and value.
 */
export function assertFiniteTensor(data: Float32Array, name: string, where: string): void {
  const i = firstNonFiniteIndex(data);
  if (i >= 0) {
    throw new AppError(
      'CHECKPOINT_INVALID',
      `Cannot use tensor "${name}" of ${where}: element ${i} is ${data[i]} (weights must be finite)`,
    );
  }
}
