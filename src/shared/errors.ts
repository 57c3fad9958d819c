/**
 * The one error type of chorus, with a closed union of stable codes (CONVENTIONS.md §4).
 * Codes are never renamed once released; transports map them to wire statuses in
 * `transport/edge-errors.ts`. Messages read "Cannot <action>: <current state>".
 */
export type ErrorCode =
  | 'REQUEST_INVALID'
  | 'AUDIO_FORMAT_UNSUPPORTED'
  | 'AUDIO_MALFORMED'
  | 'AUDIO_FRAME_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'MODEL_NOT_FOUND'
  | 'CHECKPOINT_INVALID'
  | 'TOKENIZER_INVALID'
  | 'RUNTIME_UNAVAILABLE'
  | 'OVERLOADED'
  | 'STREAM_IDLE_TIMEOUT'
  | 'SHUTTING_DOWN'
  | 'MERGE_RECIPE_INVALID'
  | 'MERGE_SHAPE_MISMATCH'
  | 'MERGE_INPUT_INVALID'
  | 'PATH_NOT_ALLOWED'
  | 'RESOURCE_CLOSED'
  | 'INTERNAL';

/** Every code, for exhaustive mapping tables and tests. */
export const ERROR_CODES: readonly ErrorCode[] = [
  'REQUEST_INVALID',
  'AUDIO_FORMAT_UNSUPPORTED',
  'AUDIO_MALFORMED',
  'AUDIO_FRAME_TOO_LARGE',
  'UNAUTHENTICATED',
  'MODEL_NOT_FOUND',
  'CHECKPOINT_INVALID',
  'TOKENIZER_INVALID',
  'RUNTIME_UNAVAILABLE',
  'OVERLOADED',
  'STREAM_IDLE_TIMEOUT',
  'SHUTTING_DOWN',
  'MERGE_RECIPE_INVALID',
  'MERGE_SHAPE_MISMATCH',
  'MERGE_INPUT_INVALID',
  'PATH_NOT_ALLOWED',
  'RESOURCE_CLOSED',
  'INTERNAL',
];

/** An error with a stable machine-readable `code`. Branch and test on `code`, never on `message`. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** True when `e` is an AppError, optionally with the given code. */
export function isAppError(e: unknown, code?: ErrorCode): e is AppError {
  return e instanceof AppError && (code === undefined || e.code === code);
}
