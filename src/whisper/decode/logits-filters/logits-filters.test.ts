import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseTiktoken } from '../../tokenizer/parse-tiktoken.js';
import { WhisperTokenizer } from '../../tokenizer/whisper-tokenizer.js';
import { suppressTokenIds } from '../suppress-token-ids.js';
import type { LogitsFilterContext } from './logits-filter.js';
import { LOGITS_FILTERS, createLogitsFilters } from './registry.js';
import { suppressBlank } from './suppress-blank.js';
import { suppressTokens } from './suppress-tokens.js';
import { timestampRules } from './timestamp-rules.js';

const ranks = parseTiktoken(
  readFileSync(new URL('../../../../models/tokenizer/multilingual.tiktoken', import.meta.url), 'utf8'),
  'multilingual.tiktoken',
);
const tok = new WhisperTokenizer(ranks, 51_865);
const s = tok.special;
const TB = s.timestampBegin;
const V = s.vocabSize;
const SOT_SEQ = [s.sot, s.firstLanguage, s.transcribe];
const context: LogitsFilterContext = {
  tokenizer: tok,
  sampleBegin: SOT_SEQ.length,
  suppressTokens: suppressTokenIds(tok, [-1]),
  suppressBlank: true,
  withoutTimestamps: false,
  maxInitialTimestampIndex: 50,
  windowPositions: 1500,
};
const zeros = () => new Float32Array(V);
const masked = (l: Float32Array) => [...l.keys()].filter((i) => l[i] === -Infinity);
const TEXT = tok.encode(' hello')[0];

test('registry lists the filters in openai order and skips disabled ones', () => {
  assert.deepEqual(
    LOGITS_FILTERS.map((f) => f.name),
    ['suppress-blank', 'suppress-tokens', 'timestamp-rules'],
  );
  const off = createLogitsFilters({
    ...context,
    suppressBlank: false,
    suppressTokens: [],
    withoutTimestamps: true,
  });
  assert.deepEqual(off, []);
});

test('suppressBlank masks " " and EOT only at the first sampled position', () => {
  const f = suppressBlank.create(context)!;
  const l = zeros();
  f.apply(l, SOT_SEQ);
  assert.deepEqual(masked(l), [220, s.eot]);
  const later = zeros();
  f.apply(later, [...SOT_SEQ, TEXT]);
  assert.deepEqual(masked(later), []);
});

test('suppressTokenIds(-1) = non-speech symbols + task/control tokens + nospeech, sorted', () => {
  const ids = suppressTokenIds(tok, [-1]);
  const want = [
    ...tok.nonSpeechTokens,
    s.transcribe,
    s.translate,
    s.sot,
    s.startOfPrev,
    s.startOfLm,
    s.noSpeech,
  ];
  assert.deepEqual(
    ids,
    [...new Set(want)].sort((a, b) => a - b),
  );
  assert.deepEqual(suppressTokenIds(tok, []), [
    s.sot,
    s.translate,
    s.transcribe,
    s.startOfLm,
    s.startOfPrev,
    s.noSpeech,
  ]);
  assert.deepEqual(suppressTokenIds(tok, [5, 5, 3]).slice(0, 2), [3, 5]);
  const f = suppressTokens.create(context)!;
  const l = zeros();
  f.apply(l, [...SOT_SEQ, TEXT, TEXT]);
  assert.deepEqual(masked(l), ids);
});

test('timestamp rule 1 and 4: first token is a timestamp ≤ max_initial_timestamp, never <|notimestamps|>', () => {
  const f = timestampRules.create(context)!;
  const l = zeros();
  f.apply(l, SOT_SEQ);
  const allowed = [...l.keys()].filter((i) => l[i] !== -Infinity);
  assert.deepEqual(
    allowed,
    Array.from({ length: 51 }, (_, i) => TB + i),
  );
  const unlimited = timestampRules.create({ ...context, maxInitialTimestampIndex: undefined })!;
  const l2 = zeros();
  unlimited.apply(l2, SOT_SEQ);
  assert.equal(l2[V - 1], 0);
  assert.equal(l2[s.noTimestamps], -Infinity);
  assert.equal(l2[s.eot], -Infinity);
});

test('timestamp rule 2: after text+timestamp text is forbidden; after a timestamp pair a timestamp is', () => {
  const f = timestampRules.create(context)!;
  const afterOne = zeros();
  afterOne[s.eot] = 10; // above the timestamps' total mass (log 1491 ≈ 7.3), so rule 5 stays out
  f.apply(afterOne, [...SOT_SEQ, TB, TEXT, TB + 10]);
  assert.equal(afterOne[TEXT], -Infinity);
  assert.equal(afterOne[s.eot], 10, 'EOT may follow a single timestamp');
  assert.equal(afterOne[TB + 10], 0, 'the closing timestamp may repeat as the next opening one');
  const afterPair = zeros();
  f.apply(afterPair, [...SOT_SEQ, TB, TEXT, TB + 10, TB + 10]);
  assert.equal(afterPair[TEXT], 0);
  assert.equal(afterPair[TB + 20], -Infinity);
  const afterFirst = zeros();
  f.apply(afterFirst, [...SOT_SEQ, TB]); // a lone first timestamp counts as a pair: text must follow
  assert.equal(afterFirst[TB + 5], -Infinity);
  assert.equal(afterFirst[TEXT], 0);
});

test('timestamp rule 3: timestamps never decrease and segments are non-empty', () => {
  const f = timestampRules.create(context)!;
  const l = zeros();
  f.apply(l, [...SOT_SEQ, TB + 5, TEXT]);
  assert.equal(l[TB + 5], -Infinity, 'zero-length segment');
  assert.equal(l[TB + 4], -Infinity);
  assert.equal(l[TB + 6], 0);
});

test('timestamp rule 5: timestamps are forced when their total probability beats every text token', () => {
  const f = timestampRules.create(context)!;
  const l = zeros();
  // 1501 timestamps at logit 0 (mass log 1501 ≈ 7.3) against one text token at 7.
  l.fill(-5, 0, TB);
  l[TEXT] = 7;
  f.apply(l, [...SOT_SEQ, TB, TEXT]);
  assert.equal(l[TEXT], -Infinity);
  const m = zeros();
  m.fill(-5, 0, TB);
  m[TEXT] = 8;
  f.apply(m, [...SOT_SEQ, TB, TEXT]);
  assert.equal(m[TEXT], 8);
});

test('timestamp rules forbid timestamps past a short window', () => {
  const f = timestampRules.create({ ...context, windowPositions: 500 })!;
  const l = zeros();
  f.apply(l, [...SOT_SEQ, TB, TEXT]);
  assert.equal(l[TB + 500], 0);
  assert.equal(l[TB + 501], -Infinity);
  assert.equal(timestampRules.create({ ...context, withoutTimestamps: true }), undefined);
});
