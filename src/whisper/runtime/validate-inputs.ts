/**
 * Boundary checks of the WhisperModel calls, shared by both runtimes, so bad input fails with
 * REQUEST_INVALID instead of an ONNX Runtime shape error deep in a kernel.
 */
import { AppError } from '../../shared/index.js';
import type { WhisperConfig } from '../whisper-config.js';

/**
 * @throws AppError REQUEST_INVALID when `mel` is not [batchSize, numMelBins, windowFrames]
 */
export function validateMel(config: WhisperConfig, mel: Float32Array, batchSize: number): void {
  const expected = batchSize * config.numMelBins * config.windowFrames;
  if (!Number.isInteger(batchSize) || batchSize < 1 || mel.length !== expected) {
    throw new AppError(
      'REQUEST_INVALID',
      `Cannot encode: mel has ${mel.length} values, expected ${batchSize} × ${config.numMelBins} × ${config.windowFrames}`,
    );
  }
}

/**
 * @throws AppError REQUEST_INVALID on a shape mismatch, an id outside the vocabulary, or a
 *   sequence longer than maxTargetPositions
 */
export function validateStep(
  config: WhisperConfig,
  rows: number,
  pastLength: number,
  tokens: Int32Array,
  seqLen: number,
): void {
  if (!Number.isInteger(seqLen) || seqLen < 1 || tokens.length !== rows * seqLen) {
    throw new AppError(
      'REQUEST_INVALID',
      `Cannot run decoder step: ${tokens.length} tokens for ${rows} rows × ${seqLen}`,
    );
  }
  if (pastLength + seqLen > config.maxTargetPositions) {
    throw new AppError(
      'REQUEST_INVALID',
      `Cannot run decoder step: ${pastLength + seqLen} positions exceed maxTargetPositions ${config.maxTargetPositions}`,
    );
  }
  for (let i = 0; i < tokens.length; i++) {
    if (!(tokens[i] >= 0 && tokens[i] < config.vocabSize)) {
      throw new AppError(
        'REQUEST_INVALID',
        `Cannot run decoder step: token id ${tokens[i]} is outside the vocabulary`,
      );
    }
  }
}

/**
 * @throws AppError REQUEST_INVALID when rowsPerItem is not a positive integer
 */
export function validateRowsPerItem(rowsPerItem: number): void {
  if (!Number.isInteger(rowsPerItem) || rowsPerItem < 1) {
    throw new AppError(
      'REQUEST_INVALID',
      `Cannot start decoder: rowsPerItem ${rowsPerItem} is not a positive integer`,
    );
  }
}
