import type { WeightType } from '../../whisper/index.js';

/**
 * The `--weight-type` choices: the whisper layer's `WEIGHT_TYPES`, repeated here because importing
 * that layer loads ONNX Runtime and the whole model code, which `--help` and argument errors
 * should not pay. weight-type-choices.test.ts keeps the two lists equal.
 */
export const WEIGHT_TYPE_CHOICES = ['float32', 'float16', 'int8'] as const satisfies readonly WeightType[];
