export {
  createBasicTextNormalizer,
  type BasicTextNormalizerOptions,
  type TextNormalizer,
} from './normalizers/basic-text-normalizer.js';
export { normalizeEnglishText } from './normalizers/english-text-normalizer.js';
export { normalizeEnglishNumbers } from './normalizers/english-number-normalizer.js';
export { normalizeEnglishSpelling } from './normalizers/english-spelling-normalizer.js';
export { removeSymbols, removeSymbolsAndDiacritics } from './normalizers/remove-symbols.js';
