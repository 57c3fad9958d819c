export {
  createBasicTextNormalizer,
  type BasicTextNormalizerOptions,
  type TextNormalizer,
} from './normalizers/basic-text-normalizer.js';
export { normalizeEnglishText } from './normalizers/english-text-normalizer.js';
export { normalizeEnglishNumbers } from './normalizers/english-number-normalizer.js';
export { normalizeEnglishSpelling } from './normalizers/english-spelling-normalizer.js';
export { removeSymbols, removeSymbolsAndDiacritics } from './normalizers/remove-symbols.js';
export { normalizerForLanguage } from './normalizers/normalizer-for-language.js';
export {
  alignTokens,
  countWordEdits,
  countCharEdits,
  sumEditCounts,
  errorRate,
  type EditCounts,
} from './wer.js';
export {
  corpusBleu,
  sentenceBleu,
  bleuFromStatistics,
  type BleuOptions,
  type BleuScore,
  type BleuSmoothing,
} from './bleu.js';
export { tokenize13a } from './tokenizer-13a.js';
export { readManifest, parseManifest, type ManifestEntry } from './manifest.js';
export {
  evaluateManifest,
  type EvalTask,
  type EvalReport,
  type EvaluateManifestOptions,
  type TranscribeFn,
  type TranscribeRequest,
  type TranscribeOutput,
} from './evaluate-manifest.js';
export {
  summarizeGroup,
  summarizeBy,
  worstUtterances,
  type GroupSummary,
  type UtteranceResult,
} from './eval-summary.js';
export { formatEvalReport } from './format-eval-report.js';
