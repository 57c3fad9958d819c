/**
 * Spelled-out English numbers to digits, ported from openai/whisper
 * `whisper/normalizers/english.py` `EnglishNumberNormalizer` (MIT, Copyright (c) 2022 OpenAI; see
 * ./README.md). It keeps upstream's quirks on purpose ("ninth" is not recognised, "a second"
 * becomes "a 2nd", "$0.5" becomes "¢5"), because WER figures are only comparable when both
 * sides are normalised exactly as openai's evaluations do.
 *
 * What it does: removes commas inside numbers; keeps suffixes (`1960s`, `274th`, `32nd`);
 * moves currency words in front of the number (`20 million dollars` → `$20000000`); reads
 * successive single digits as a nominal number (`one oh one` → `101`); writes `1`/`1s` back as
 * `one`/`ones`. Integers are BigInt because multipliers reach 10^33 ("decillion").
 */
import { AppError } from '../../shared/index.js';
import { pythonRegex, pythonSplit, pythonStrip } from '../python-regex.js';

type Value = bigint | string | null;

const ONE_TO_NINETEEN = [
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
] as const;

const ZEROS: ReadonlySet<string> = new Set(['o', 'oh', 'zero']);
const ONES: ReadonlyMap<string, number> = new Map(ONE_TO_NINETEEN.map((name, i) => [name, i + 1]));

const ONES_PLURAL = ONE_TO_NINETEEN.map((name, i): [string, [number, string]] => [
  name === 'six' ? 'sixes' : `${name}s`,
  [i + 1, 's'],
]);
// Irregular ordinals, then the regular "+th" ones (upstream's rule gives "eighth" and "nineth":
// a spoken "ninth" is therefore left alone, as in openai's scoring).
const ONES_ORDINAL: [string, [number, string]][] = [
  ['zeroth', [0, 'th']],
  ['first', [1, 'st']],
  ['second', [2, 'nd']],
  ['third', [3, 'rd']],
  ['fifth', [5, 'th']],
  ['twelfth', [12, 'th']],
  ...ONE_TO_NINETEEN.flatMap((name, i): [string, [number, string]][] => {
    const value = i + 1;
    if (value <= 3 || value === 5 || value === 12) return [];
    return [[name + (name.endsWith('t') ? 'h' : 'th'), [value, 'th']]];
  }),
];
const ONES_SUFFIXED: ReadonlyMap<string, readonly [number, string]> = new Map([
  ...ONES_PLURAL,
  ...ONES_ORDINAL,
]);

const TENS: ReadonlyMap<string, number> = new Map([
  ['twenty', 20],
  ['thirty', 30],
  ['forty', 40],
  ['fifty', 50],
  ['sixty', 60],
  ['seventy', 70],
  ['eighty', 80],
  ['ninety', 90],
]);
const TENS_SUFFIXED: ReadonlyMap<string, readonly [number, string]> = new Map([
  ...[...TENS].map(([name, value]): [string, [number, string]] => [
    name.replaceAll('y', 'ies'),
    [value, 's'],
  ]),
  ...[...TENS].map(([name, value]): [string, [number, string]] => [
    name.replaceAll('y', 'ieth'),
    [value, 'th'],
  ]),
]);

const MULTIPLIER_EXPONENTS: readonly [string, number][] = [
  ['hundred', 2],
  ['thousand', 3],
  ['million', 6],
  ['billion', 9],
  ['trillion', 12],
  ['quadrillion', 15],
  ['quintillion', 18],
  ['sextillion', 21],
  ['septillion', 24],
  ['octillion', 27],
  ['nonillion', 30],
  ['decillion', 33],
];
const MULTIPLIERS: ReadonlyMap<string, bigint> = new Map(
  MULTIPLIER_EXPONENTS.map(([name, exponent]) => [name, 10n ** BigInt(exponent)]),
);
const MULTIPLIERS_SUFFIXED: ReadonlyMap<string, readonly [bigint, string]> = new Map([
  ...[...MULTIPLIERS].map(([name, value]): [string, [bigint, string]] => [`${name}s`, [value, 's']]),
  ...[...MULTIPLIERS].map(([name, value]): [string, [bigint, string]] => [`${name}th`, [value, 'th']]),
]);

const DECIMALS: ReadonlySet<string> = new Set([...ONES.keys(), ...TENS.keys(), ...ZEROS]);

const PRECEDING_PREFIXERS: ReadonlyMap<string, string> = new Map([
  ['minus', '-'],
  ['negative', '-'],
  ['plus', '+'],
  ['positive', '+'],
]);
const FOLLOWING_PREFIXERS: ReadonlyMap<string, string> = new Map([
  ['pound', '£'],
  ['pounds', '£'],
  ['euro', '€'],
  ['euros', '€'],
  ['dollar', '$'],
  ['dollars', '$'],
  ['cent', '¢'],
  ['cents', '¢'],
]);
const PREFIXES: ReadonlySet<string> = new Set([
  ...PRECEDING_PREFIXERS.values(),
  ...FOLLOWING_PREFIXERS.values(),
]);
// "per" needs the next word ("per cent"); "percent" is a suffix on its own.
const SUFFIXERS: ReadonlyMap<string, string | ReadonlyMap<string, string>> = new Map<
  string,
  string | ReadonlyMap<string, string>
>([
  ['per', new Map([['cent', '%']])],
  ['percent', '%'],
]);
const SPECIALS: ReadonlySet<string> = new Set(['and', 'double', 'triple', 'point']);

const WORDS: ReadonlySet<string> = new Set([
  ...ZEROS,
  ...ONES.keys(),
  ...ONES_SUFFIXED.keys(),
  ...TENS.keys(),
  ...TENS_SUFFIXED.keys(),
  ...MULTIPLIERS.keys(),
  ...MULTIPLIERS_SUFFIXED.keys(),
  ...PRECEDING_PREFIXERS.keys(),
  ...FOLLOWING_PREFIXERS.keys(),
  ...SUFFIXERS.keys(),
  ...SPECIALS,
]);

// Python `\d` is any Unicode decimal digit, and Python's int()/Fraction() read them all.
const ARABIC_NUMBER = /^\p{Nd}+(?:\.\p{Nd}+)?$/u;
const FRACTION_TEXT = /^([-+]?)(?=\p{Nd}|\.\p{Nd})(\p{Nd}*)(?:\.(\p{Nd}*))?$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;
const ASCII_DIGITS = /^[0-9]*$/;

const has = (set: ReadonlySet<string> | ReadonlyMap<string, unknown>, key: string | null): boolean =>
  key !== null && set.has(key);

/** The value of a run of decimal digits of any script (Nd digits come in runs of ten, 0 first). */
function digitsToBigInt(digits: string): bigint {
  if (ASCII_DIGITS.test(digits)) return digits === '' ? 0n : BigInt(digits);
  let ascii = '';
  for (const ch of digits) {
    const cp = ch.codePointAt(0) ?? 0;
    let start = cp;
    while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
    ascii += String((cp - start) % 10);
  }
  return BigInt(ascii);
}

interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

/**
 * Python `Fraction(value)` for the values this normaliser builds (integers, and digit strings with
 * at most one decimal point); anything else (`"1.2.3"`, `"1.$5"`) is not a number: null.
 */
function toFraction(value: bigint | string): Fraction | null {
  if (typeof value === 'bigint') return { num: value, den: 1n };
  const m = FRACTION_TEXT.exec(pythonStrip(value));
  if (m === null) return null;
  const decimals = m[3] ?? '';
  const magnitude = digitsToBigInt(m[2] + decimals);
  return { num: m[1] === '-' ? -magnitude : magnitude, den: 10n ** BigInt(decimals.length) };
}

/** `Fraction(value) * multiplier` when it is an integer, else null. */
function integerProduct(value: bigint | string, multiplier: bigint): bigint | null {
  const f = toFraction(value);
  if (f === null) return null;
  const product = f.num * multiplier;
  return product % f.den === 0n ? product / f.den : null;
}

/** Python's truthiness of the running value in `str(value or "")`: null and 0 read as "". */
const orEmpty = (value: Value): string => (value === null || value === 0n ? '' : String(value));

function replaceLastZero(value: Value, digit: number): string {
  // Upstream asserts this: the previous word was a tens word that left a trailing zero.
  if (typeof value !== 'string' || !value.endsWith('0')) {
    throw new AppError(
      'INTERNAL',
      `Cannot normalise number: expected a trailing tens zero in ${String(value)}`,
    );
  }
  return value.slice(0, -1) + String(digit);
}

/** Upstream `process_words`: the stateful word-by-word pass. */
function processWords(words: readonly string[]): string[] {
  const out: string[] = [];
  let prefix: string | null = null;
  let value: Value = null;
  let skip = false;

  const output = (result: bigint | string): string => {
    let text = String(result);
    if (prefix !== null) text = prefix + text;
    value = null;
    prefix = null;
    return text;
  };

  for (let i = 0; i < words.length; i++) {
    if (skip) {
      skip = false;
      continue;
    }
    const prev = i > 0 ? words[i - 1] : null;
    const current = words[i];
    const next = i + 1 < words.length ? words[i + 1] : null;

    const nextIsNumeric = next !== null && ARABIC_NUMBER.test(next);
    const hasPrefix = PREFIXES.has(current[0]);
    const currentWithoutPrefix = hasPrefix ? current.slice(1) : current;

    if (ARABIC_NUMBER.test(currentWithoutPrefix)) {
      // Arabic numbers, possibly with a currency/sign prefix and a fraction.
      const f = toFraction(currentWithoutPrefix);
      if (f === null) throw new AppError('INTERNAL', `Cannot normalise number: ${currentWithoutPrefix}`);
      if (value !== null) {
        if (typeof value === 'string' && value.endsWith('.')) {
          // Concatenate decimals or IP-address components ("3 point 14", "192 point 168 …").
          value = value + current;
          continue;
        }
        out.push(output(value));
      }
      prefix = hasPrefix ? current[0] : prefix;
      // Python keeps a Fraction whose denominator reduces to 1 ("3.0") as an int.
      value = f.num % f.den === 0n ? f.num / f.den : currentWithoutPrefix;
    } else if (!WORDS.has(current)) {
      if (value !== null) out.push(output(value));
      out.push(output(current));
    } else if (ZEROS.has(current)) {
      value = `${orEmpty(value)}0`;
    } else if (ONES.has(current)) {
      const ones = ONES.get(current) ?? 0;
      if (value === null) {
        value = BigInt(ones);
      } else if (typeof value === 'string' || has(ONES, prev)) {
        value = has(TENS, prev) && ones < 10 ? replaceLastZero(value, ones) : String(value) + String(ones);
      } else if (ones < 10) {
        value = value % 10n === 0n ? value + BigInt(ones) : String(value) + String(ones);
      } else {
        // eleven to nineteen
        value = value % 100n === 0n ? value + BigInt(ones) : String(value) + String(ones);
      }
    } else if (ONES_SUFFIXED.has(current)) {
      // Ordinal or plural: the number ends here.
      const [ones, suffix] = ONES_SUFFIXED.get(current) ?? [0, ''];
      if (value === null) {
        out.push(output(`${ones}${suffix}`));
      } else if (typeof value === 'string' || has(ONES, prev)) {
        if (has(TENS, prev) && ones < 10) out.push(output(replaceLastZero(value, ones) + suffix));
        else out.push(output(`${String(value)}${ones}${suffix}`));
      } else if (ones < 10) {
        out.push(
          output(value % 10n === 0n ? `${value + BigInt(ones)}${suffix}` : `${value}${ones}${suffix}`),
        );
      } else {
        out.push(
          output(value % 100n === 0n ? `${value + BigInt(ones)}${suffix}` : `${value}${ones}${suffix}`),
        );
      }
      value = null;
    } else if (TENS.has(current)) {
      const tens = TENS.get(current) ?? 0;
      if (value === null) value = BigInt(tens);
      else if (typeof value === 'string') value = value + String(tens);
      else value = value % 100n === 0n ? value + BigInt(tens) : String(value) + String(tens);
    } else if (TENS_SUFFIXED.has(current)) {
      const [tens, suffix] = TENS_SUFFIXED.get(current) ?? [0, ''];
      if (value === null) out.push(output(`${tens}${suffix}`));
      else if (typeof value === 'string') out.push(output(`${value}${tens}${suffix}`));
      else
        out.push(
          output(value % 100n === 0n ? `${value + BigInt(tens)}${suffix}` : `${value}${tens}${suffix}`),
        );
    } else if (MULTIPLIERS.has(current)) {
      const multiplier = MULTIPLIERS.get(current) ?? 1n;
      if (value === null) {
        value = multiplier;
      } else if (typeof value === 'string' || value === 0n) {
        const product = integerProduct(value, multiplier);
        if (product !== null) {
          value = product;
        } else {
          out.push(output(value));
          value = multiplier;
        }
      } else {
        // "two hundred thousand": only the part below 1000 is multiplied.
        const before: bigint = (value / 1000n) * 1000n;
        const residual: bigint = value % 1000n;
        value = before + residual * multiplier;
      }
    } else if (MULTIPLIERS_SUFFIXED.has(current)) {
      const [multiplier, suffix] = MULTIPLIERS_SUFFIXED.get(current) ?? [1n, ''];
      if (value === null) {
        out.push(output(`${multiplier}${suffix}`));
      } else if (typeof value === 'string') {
        const product = integerProduct(value, multiplier);
        if (product !== null) {
          out.push(output(`${product}${suffix}`));
        } else {
          out.push(output(value));
          out.push(output(`${multiplier}${suffix}`));
        }
      } else {
        const before = (value / 1000n) * 1000n;
        const residual = value % 1000n;
        out.push(output(`${before + residual * multiplier}${suffix}`));
      }
      value = null;
    } else if (PRECEDING_PREFIXERS.has(current)) {
      // A sign word applies only when a number follows.
      if (value !== null) out.push(output(value));
      if (has(WORDS, next) || nextIsNumeric) prefix = PRECEDING_PREFIXERS.get(current) ?? null;
      else out.push(output(current));
    } else if (FOLLOWING_PREFIXERS.has(current)) {
      // A currency word applies only after a number.
      if (value !== null) {
        prefix = FOLLOWING_PREFIXERS.get(current) ?? null;
        out.push(output(value));
      } else {
        out.push(output(current));
      }
    } else if (SUFFIXERS.has(current)) {
      if (value !== null) {
        const suffix = SUFFIXERS.get(current) ?? '';
        if (typeof suffix !== 'string') {
          const symbol = next === null ? undefined : suffix.get(next);
          if (symbol !== undefined) {
            out.push(output(`${String(value)}${symbol}`));
            skip = true;
          } else {
            out.push(output(value));
            out.push(output(current));
          }
        } else {
          out.push(output(`${String(value)}${suffix}`));
        }
      } else {
        out.push(output(current));
      }
    } else {
      // SPECIALS: "and", "double", "triple", "point".
      if (!has(WORDS, next) && !nextIsNumeric) {
        // Special handling only when the next word can be numeric.
        if (value !== null) out.push(output(value));
        out.push(output(current));
      } else if (current === 'and') {
        // "and" after hundred/thousand/… is dropped ("two hundred and sixty").
        if (!has(MULTIPLIERS, prev)) {
          if (value !== null) out.push(output(value));
          out.push(output(current));
        }
      } else if (current === 'double' || current === 'triple') {
        if (has(ONES, next) || has(ZEROS, next)) {
          const repeats = current === 'double' ? 2 : 3;
          const ones = (next !== null ? ONES.get(next) : undefined) ?? 0;
          value = orEmpty(value) + String(ones).repeat(repeats);
          skip = true;
        } else {
          if (value !== null) out.push(output(value));
          out.push(output(current));
        }
      } else if (current === 'point') {
        if (has(DECIMALS, next) || nextIsNumeric) value = `${orEmpty(value)}.`;
      } else {
        throw new AppError('INTERNAL', `Cannot normalise number: unexpected token ${current}`);
      }
    }
  }
  if (value !== null) out.push(output(value));
  return out;
}

const AND_A_HALF = pythonRegex('\\band\\s+a\\s+half\\b');
const MULTIPLIER_ALTERNATION = [...MULTIPLIERS.keys()].sort((a, b) => b.length - a.length).join('|');
const HALF_A_MULTIPLIER = pythonRegex(
  `\\b(?:a\\s+half\\s+|half\\s+(?:a\\s+)?)(${MULTIPLIER_ALTERNATION})\\b`,
);
const LETTER_DIGIT = /([a-z])([0-9])/gu;
const DIGIT_LETTER = /([0-9])([a-z])/gu;
const SPACED_SUFFIX = pythonRegex('([0-9])\\s+(st|nd|rd|th|s)\\b');

/** Upstream `preprocess`: "and a half", "half a million", digit/letter boundaries. */
function preprocess(input: string): string {
  // "<number> and a half" → "<number> point five"
  const segments = input.split(AND_A_HALF);
  const results: string[] = [];
  segments.forEach((segment, i) => {
    if (pythonStrip(segment) === '') return;
    results.push(segment);
    if (i === segments.length - 1) return;
    const words = pythonSplit(segment);
    const lastWord = words[words.length - 1];
    results.push(DECIMALS.has(lastWord) || MULTIPLIERS.has(lastWord) ? 'point five' : 'and a half');
  });
  let s = results.join(' ');
  // "half a million" (and similar) → "0.5 million"
  s = s.replace(HALF_A_MULTIPLIER, '0.5 $1');
  // A space at each number/letter boundary, except before an ordinal or plural suffix.
  s = s.replace(LETTER_DIGIT, '$1 $2');
  s = s.replace(DIGIT_LETTER, '$1 $2');
  return s.replace(SPACED_SUFFIX, '$1$2');
}

const DOLLARS_AND_CENTS = pythonRegex('([€£$])([0-9]+) (?:and )?¢([0-9]{1,2})\\b');
// Upstream's "." here is unescaped (any character), kept as is.
const ZERO_POINT_CENTS = pythonRegex('[€£$]0.([0-9]{1,2})\\b');
const ONE_OR_ONES = pythonRegex('\\b1(s?)\\b');

/** Upstream `postprocess`: "$2 and ¢7" → "$2.07", "$0.36" → "¢36", "1" → "one". */
function postprocess(input: string): string {
  let s = input.replace(
    DOLLARS_AND_CENTS,
    (_m, currency: string, integer: string, cents: string) =>
      `${currency}${integer}.${String(Number(cents)).padStart(2, '0')}`,
  );
  s = s.replace(ZERO_POINT_CENTS, (_m, cents: string) => `¢${Number(cents)}`);
  return s.replace(ONE_OR_ONES, 'one$1');
}

/**
 * Upstream `EnglishNumberNormalizer.__call__`: spelled-out numbers → digits, e.g.
 * "two point five million" → "2500000", "nineteen fifties" → "1950s",
 * "two dollars and seventy cents" → "$2.70", "double oh seven" → "007". The input is expected
 * lower-case, without punctuation other than `.%$¢€£` (as `englishTextNormalizer` prepares it).
 * Words are re-joined with single spaces.
 */
export function normalizeEnglishNumbers(s: string): string {
  return postprocess(processWords(pythonSplit(preprocess(s))).join(' '));
}
