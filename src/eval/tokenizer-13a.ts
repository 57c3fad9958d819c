/**
 * sacrebleu's default BLEU tokeniser "13a" (mteval-v13a.pl's tokenisation as used by WMT), ported
 * from sacrebleu 2.x `tokenizers/tokenizer_13a.py` + `tokenizer_re.py` (Apache-2.0, Matt Post):
 * same replacements and regexes, applied in the same order.
 */
import { pythonSplit } from './python-regex.js';

// Language-dependent part ("assuming Western languages"), upstream `TokenizerRegexp._re`:
// ASCII punctuation/symbols { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ / are split off.
const SYMBOLS = /([{-~[-` -&(-+:-@/])/gu;
// Period and comma are split off unless preceded by a digit …
const PERIOD_COMMA_AFTER_NON_DIGIT = /([^0-9])([.,])/gu;
// … or followed by a digit.
const PERIOD_COMMA_BEFORE_NON_DIGIT = /([.,])([^0-9])/gu;
// A dash after a digit is split off.
const DASH_AFTER_DIGIT = /([0-9])(-)/gu;

/** Tokenises one segment as sacrebleu's `Tokenizer13a()(line)`; tokens are joined by single spaces. */
export function tokenize13a(segment: string): string {
  let line = segment
    .replaceAll('<skipped>', '')
    .replaceAll('-\n', '')
    .replaceAll('\n', ' ')
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
  line = ` ${line} `;
  line = line.replace(SYMBOLS, ' $1 ');
  line = line.replace(PERIOD_COMMA_AFTER_NON_DIGIT, '$1 $2 ');
  line = line.replace(PERIOD_COMMA_BEFORE_NON_DIGIT, ' $1 $2');
  line = line.replace(DASH_AFTER_DIGIT, '$1 $2 ');
  return pythonSplit(line).join(' ');
}
