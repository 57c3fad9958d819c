export { WhisperTokenizer, type WhisperTask } from './tokenizer/whisper-tokenizer.js';
export { parseTiktoken } from './tokenizer/parse-tiktoken.js';
export { loadHfTokenizer, loadTiktokenTokenizer } from './tokenizer/load-whisper-tokenizer.js';
export { hfTokenizerFiles, type HfTokenizerFiles } from './tokenizer/hf-tokenizer-files.js';
export { BpeRanks } from './tokenizer/bpe-ranks.js';
export { whisperSpecialTokens, type WhisperSpecialTokens } from './tokenizer/special-tokens.js';
export { WHISPER_LANGUAGES, toLanguageCode } from './tokenizer/whisper-languages.js';
export {
  loadWhisperModel,
  ChorusWhisperModel,
  type LoadWhisperModelOptions,
} from './runtime/chorus-whisper-model.js';
export {
  type WhisperDevice,
  type RuntimeLogger,
  type OrtSessionOptions,
} from './runtime/create-ort-session.js';
export { type WeightSource } from './graph/weight-source.js';
export { type WeightType, type WhisperGraphOptions, WEIGHT_TYPES } from './graph/graph-context.js';
export { loadOptimumModel, OptimumWhisperModel } from './runtime/optimum-whisper-model.js';
export {
  exportOptimum,
  type ExportOptimumOptions,
  type ExportOptimumResult,
} from './graph/export-optimum.js';
export { transcribe, type TranscribeOptions } from './transcribe.js';
export {
  type TranscriptionResult,
  type TranscriptionSegment,
  type TranscriptionWord,
} from './transcribe/transcription-result.js';
export { decodeWindow, type WindowDecodeOptions, type WindowDecodeResult } from './decode/decode-window.js';
export { detectLanguage, type LanguageDetection } from './decode/detect-language.js';
export { compressionRatio } from './decode/compression-ratio.js';
export { NO_SPACE_LANGUAGES } from './tokenizer/whisper-languages.js';
export { openWhisperModel, type OpenWhisperModelOptions, type OpenedWhisperModel } from './load-model.js';
export { formatTimestamp, toSrt, toVtt, type TimestampFormat } from './transcribe/subtitle-format.js';
export { toVerboseJson, type VerboseJson } from './transcribe/verbose-json.js';
export { parseWhisperConfig } from './parse-whisper-config.js';
export { type WhisperConfig } from './whisper-config.js';
export {
  type WhisperModel,
  type EncodedAudio,
  type DecoderState,
  type DecoderStepResult,
  type DecoderStepOptions,
} from './whisper-model.js';
