import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { hfTokenizerFiles } from './hf-tokenizer-files.js';
import { parseTiktoken } from './parse-tiktoken.js';
import { WhisperTokenizer } from './whisper-tokenizer.js';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const DIR = join(MODELS, 'tokenizer');
const ranks = parseTiktoken(
  readFileSync(join(DIR, 'multilingual.tiktoken'), 'utf8'),
  'multilingual.tiktoken',
);
const tokenizer = new WhisperTokenizer(ranks, 51_865);

test('the committed models/tokenizer files equal what hfTokenizerFiles() generates', () => {
  const files = hfTokenizerFiles(tokenizer, readFileSync(join(DIR, 'normalizer.json'), 'utf8'));
  for (const [name, contents] of Object.entries(files)) {
    assert.equal(
      readFileSync(join(DIR, name), 'utf8') === contents,
      true,
      `${name} is stale: run scripts/make-tokenizer-files.ts`,
    );
  }
});

test('merges.txt has one merge per multi-byte rank, in rank order', () => {
  const lines = readFileSync(join(DIR, 'merges.txt'), 'utf8').trimEnd().split('\n');
  assert.equal(lines[0], '#version: 0.2');
  assert.equal(lines.length - 1, 50_000); // 50257 ranks − 256 single bytes − the empty token
  assert.equal(lines[1], 'Ġ t'); // rank 256 = " t"
});

test('transformers.js AutoTokenizer loads models/tokenizer and agrees with WhisperTokenizer', async () => {
  env.allowRemoteModels = false;
  env.localModelPath = MODELS;
  const hf = await AutoTokenizer.from_pretrained('tokenizer');
  const texts = [
    ' Hello world',
    "Hello, world! It's 2024.",
    ' Привет, мир!',
    ' 你好世界。',
    '  two  spaces\n',
    ' émoji 🎉 ♪♪',
  ];
  for (const s of texts) {
    const ids = tokenizer.encode(s);
    assert.deepEqual(hf.encode(s, { add_special_tokens: false }), ids, s);
    assert.equal(hf.decode(ids), s);
  }
  const s = tokenizer.special;
  const names = [
    '<|endoftext|>',
    '<|startoftranscript|>',
    '<|en|>',
    '<|translate|>',
    '<|nospeech|>',
    '<|notimestamps|>',
    '<|0.00|>',
    '<|30.00|>',
  ];
  const want = [
    s.eot,
    s.sot,
    s.firstLanguage,
    s.translate,
    s.noSpeech,
    s.noTimestamps,
    s.timestampBegin,
    s.timestampBegin + 1500,
  ];
  assert.deepEqual(hf.convert_tokens_to_ids(names), want);
  // With special tokens, HF's Whisper template wraps text in sot … notimestamps … eot.
  assert.deepEqual(hf.encode(' Hi'), [s.sot, s.noTimestamps, ...tokenizer.encode(' Hi'), s.eot]);
});
