import type { TensorMergeInput } from './merge-method.js';

/**
 * The per-expert value of a numeric parameter: the expert's override (already validated and
 * defaulted by the engine through the method's `paramsSchema`) or the method-level value.
 */
export function expertNumber(
  input: Pick<TensorMergeInput, 'expertParams'>,
  taskIndex: number,
  key: string,
  fallback: number,
): number {
  const value = input.expertParams[taskIndex]?.[key];
  return typeof value === 'number' ? value : fallback;
}
