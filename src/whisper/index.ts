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
export { type WhisperGraphOptions } from './graph/graph-context.js';
export { loadOptimumModel, OptimumWhisperModel } from './runtime/optimum-whisper-model.js';
export {
  exportOptimum,
  type ExportOptimumOptions,
  type ExportOptimumResult,
} from './graph/export-optimum.js';
