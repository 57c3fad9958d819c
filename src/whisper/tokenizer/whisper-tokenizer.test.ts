import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseTiktoken } from './parse-tiktoken.js';
import { WhisperTokenizer } from './whisper-tokenizer.js';

const ASSETS = new URL('../../../models/tokenizer/', import.meta.url);
const multilingualRanks = parseTiktoken(
  readFileSync(new URL('multilingual.tiktoken', ASSETS), 'utf8'),
  'multilingual',
);
const gpt2Ranks = parseTiktoken(readFileSync(new URL('gpt2.tiktoken', ASSETS), 'utf8'), 'gpt2');
const multi = new WhisperTokenizer(multilingualRanks, 51_865);
const v3 = new WhisperTokenizer(multilingualRanks, 51_866);
const en = new WhisperTokenizer(gpt2Ranks, 51_864);

// HF configuration_whisper.py NON_SPEECH_TOKENS(_MULTI), copied in reference §4.2.
const NON_SPEECH_MULTI =
  '1 2 7 8 9 10 14 25 26 27 28 29 31 58 59 60 61 62 63 90 91 92 93 359 503 522 542 873 893 902 918 922 931 1350 1853 1982 2460 2627 3246 3253 3268 3536 3846 3961 4183 4667 6585 6647 7273 9061 9383 10428 10929 11938 12033 12331 12562 13793 14157 14635 15265 15618 16553 16604 18362 18956 20075 21675 22520 26130 26161 26435 28279 29464 31650 32302 32470 36865 42863 47425 49870 50254';
const NON_SPEECH_EN =
  '1 2 7 8 9 10 14 25 26 27 28 29 31 58 59 60 61 62 63 90 91 92 93 357 366 438 532 685 705 796 930 1058 1220 1267 1279 1303 1343 1377 1391 1635 1782 1875 2162 2361 2488 3467 4008 4211 4600 4808 5299 5855 6329 7203 9609 9959 10563 10786 11420 11709 11907 13163 13697 13700 14808 15306 16410 16791 17992 19203 19510 20724 22305 22935 27007 30109 30420 33409 34949 40283 40493 40549 47282 49146';

test('encode() gives GPT-2 ids [18435, 995] for " Hello world" with gpt2 ranks', () => {
  assert.deepEqual(en.encode(' Hello world'), [18435, 995]);
});

test('encode() matches an independent Python BPE on multilingual and gpt2 golden strings', () => {
  const golden = JSON.parse(
    readFileSync(new URL('fixtures/tokenizer-golden.json', import.meta.url), 'utf8'),
  ) as Record<string, { text: string; ids: number[] }[]>;
  for (const { text, ids } of golden.multilingual) assert.deepEqual(multi.encode(text), ids, text);
  for (const { text, ids } of golden.gpt2) assert.deepEqual(en.encode(text), ids, text);
});

test('nonSpeechTokens reproduces HF NON_SPEECH_TOKENS_MULTI and NON_SPEECH_TOKENS', () => {
  assert.deepEqual([...multi.nonSpeechTokens], NON_SPEECH_MULTI.split(' ').map(Number));
  assert.deepEqual([...en.nonSpeechTokens], NON_SPEECH_EN.split(' ').map(Number));
});

test('special token ids follow the reference §3.2 table for 51864/51865/51866', () => {
  const rows: [WhisperTokenizer, number[]][] = [
    [en, [50256, 50257, 50258, 50357, 50358, 50359, 50360, 50361, 50362, 50363]],
    [multi, [50257, 50258, 50259, 50358, 50359, 50360, 50361, 50362, 50363, 50364]],
    [v3, [50257, 50258, 50259, 50359, 50360, 50361, 50362, 50363, 50364, 50365]],
  ];
  for (const [t, want] of rows) {
    const s = t.special;
    const got = [
      s.eot,
      s.sot,
      s.firstLanguage,
      s.translate,
      s.transcribe,
      s.startOfLm,
      s.startOfPrev,
      s.noSpeech,
    ];
    assert.deepEqual(got, want.slice(0, 8));
    assert.deepEqual([s.noTimestamps, s.timestampBegin], want.slice(8));
    assert.equal(s.timestampBegin + 1500, t.vocabSize - 1);
  }
  assert.equal(multi.special.numLanguages, 99);
  assert.equal(v3.special.numLanguages, 100);
  assert.equal(en.special.isMultilingual, false);
});

test('languageToken() resolves codes, names and aliases; rejects languages the vocab lacks', () => {
  assert.equal(multi.languageToken('en'), 50259);
  assert.equal(multi.languageToken('su'), 50357);
  assert.equal(multi.languageToken('Mandarin'), 50260);
  assert.equal(multi.languageToken('castilian'), 50262);
  assert.equal(multi.languageToken('german'), 50261);
  assert.equal(v3.languageToken('yue'), 50358);
  assert.throws(() => multi.languageToken('yue'), { code: 'REQUEST_INVALID' });
  assert.throws(() => multi.languageToken('klingon'), { code: 'REQUEST_INVALID' });
  assert.equal(multi.languageOfToken(50263), 'ru');
  assert.equal(multi.languageOfToken(50358), undefined);
  assert.equal(multi.languageCodes.length, 99);
});

test('decode(encode(s)) === s for random unicode text', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 20 }), (a, b) => {
      const s = a + ' ' + b;
      assert.equal(multi.decode(multi.encode(s)), s);
    }),
    { numRuns: 300 },
  );
});

test('decode() drops timestamps, keeps specials by name; decodeWithTimestamps() shows <|t|>', () => {
  const tb = multi.special.timestampBegin;
  const hi = multi.encode(' Hi');
  const ids = [multi.special.sot, tb, ...hi, tb + 50, multi.special.eot];
  assert.equal(multi.decode(ids), '<|startoftranscript|> Hi<|endoftext|>');
  assert.equal(multi.decodeWithTimestamps(ids), '<|startoftranscript|><|0.00|> Hi<|1.00|><|endoftext|>');
  assert.equal(multi.tokenName(tb + 1500), '<|30.00|>');
});

test('decode() replaces an incomplete UTF-8 sequence with U+FFFD', () => {
  const ids = multi.encode(' 🎉');
  assert.ok(ids.length > 1, 'emoji splits into byte tokens');
  assert.equal(multi.decode(ids.slice(0, -1)).endsWith('\uFFFD'), true);
});

test('encodePrompt() is [<|startofprev|>] + encode(" " + text.trim())', () => {
  assert.deepEqual(multi.encodePrompt('  Hello world \n'), [
    multi.special.startOfPrev,
    ...multi.encode(' Hello world'),
  ]);
});

test('constructor rejects ranks that do not fit the vocab size', () => {
  assert.throws(() => new WhisperTokenizer(gpt2Ranks, 51_865), { code: 'TOKENIZER_INVALID' });
  assert.throws(() => new WhisperTokenizer(multilingualRanks, 51_000), { code: 'TOKENIZER_INVALID' });
});

test('parseTiktoken() rejects malformed lines and rank gaps, naming the file', () => {
  assert.throws(
    () => parseTiktoken('IQ== 0\nIg== 2\n', 'x.tiktoken'),
    (e: Error & { code?: string }) => {
      return e.code === 'TOKENIZER_INVALID' && e.message.includes('x.tiktoken');
    },
  );
  assert.throws(() => parseTiktoken('not base64!! 0\n', 'y.tiktoken'), { code: 'TOKENIZER_INVALID' });
  assert.throws(() => parseTiktoken('', 'z.tiktoken'), { code: 'TOKENIZER_INVALID' });
});
