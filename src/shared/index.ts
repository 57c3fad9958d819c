export { AppError, ERROR_CODES, isAppError, type ErrorCode } from './errors.js';
export {
  WHISPER_SAMPLE_RATE_HZ,
  WHISPER_N_FFT_SAMPLES,
  WHISPER_HOP_LENGTH_SAMPLES,
  WHISPER_SECONDS_PER_TOKEN_POSITION,
  BYTES_PER_MIB,
} from './units.js';
export {
  float32ToFloat16Bits,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  bfloat16BitsToFloat32,
  float16ToFloat32Into,
  float32ToFloat16Into,
  bfloat16ToFloat32Into,
  float32ToBfloat16Into,
  firstNonFiniteIndex,
} from './typed-arrays.js';
export { selectInPlace } from './quickselect.js';
