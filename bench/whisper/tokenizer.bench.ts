/**
 * Tokenizer encode speed: chorus's rank-merge BPE vs js-tiktoken (WASM-free JS port of tiktoken)
 * on the same GPT-2 ranks (Whisper's .en vocabulary), plus the multilingual vocabulary alone.
 * Encoding runs per prompt (≤ 223 tokens per window), never per frame.
 * Usage: nice -n 10 npx tsx bench/whisper/tokenizer.bench.ts
 */
import { readFileSync } from 'node:fs';
import { getEncoding } from 'js-tiktoken';
import { WhisperTokenizer, parseTiktoken } from '../../src/whisper/index.js';
import { bestOf, writeBenchResult } from './bench-timing.js';

const dir = new URL('../../models/tokenizer/', import.meta.url);
const en = new WhisperTokenizer(
  parseTiktoken(readFileSync(new URL('gpt2.tiktoken', dir), 'utf8'), 'gpt2'),
  51_864,
);
const multi = new WhisperTokenizer(
  parseTiktoken(readFileSync(new URL('multilingual.tiktoken', dir), 'utf8'), 'multilingual'),
  51_865,
);
const tiktoken = getEncoding('gpt2');

// ~1 kB of mixed prose, the size of a long prompt (about 220 tokens).
const TEXT =
  "The train leaves at 6 o'clock. Room 606 is on floor 5. We need 482 tickets on Friday — " +
  'please confirm the booking, and don’t forget the receipts! Meanwhile the committee discussed ' +
  'budgets, timelines and the unexpected weather; nobody expected snow in May. ' +
  'Schalte die Lampe im Schlafzimmer ein. Allume le ventilateur dans la cuisine, s’il te plaît. ' +
  'Pon las noticias en el dormitorio. 你好世界，今天天气很好。 Привет, как дела?';
const REPEAT = 200;

const mine = en.encode(TEXT);
const theirs = tiktoken.encode(TEXT);
const identical = mine.length === theirs.length && mine.every((t, i) => t === theirs[i]);
if (!identical) throw new Error('chorus and js-tiktoken disagree on the GPT-2 ids');

let sink = 0;
const chorusEn = await bestOf(5, async () => {
  for (let i = 0; i < REPEAT; i++) sink += en.encode(TEXT).length;
});
const jsTiktokenEn = await bestOf(5, async () => {
  for (let i = 0; i < REPEAT; i++) sink += tiktoken.encode(TEXT).length;
});
const chorusMulti = await bestOf(5, async () => {
  for (let i = 0; i < REPEAT; i++) sink += multi.encode(TEXT).length;
});
const perPromptUs = (ms: number) => (ms * 1000) / REPEAT;
const path = writeBenchResult('tokenizer', 1, {
  note: `encode of a ${TEXT.length}-char prompt (${mine.length} GPT-2 tokens), ${REPEAT}× per run, best of 5; ids identical to js-tiktoken: ${identical}`,
  chorusGpt2UsPerPrompt: perPromptUs(chorusEn.wallMs),
  jsTiktokenGpt2UsPerPrompt: perPromptUs(jsTiktokenEn.wallMs),
  chorusOverJsTiktoken: chorusEn.wallMs / jsTiktokenEn.wallMs,
  chorusMultilingualUsPerPrompt: perPromptUs(chorusMulti.wallMs),
  sink,
});
process.stdout.write(`wrote ${path}\n`);
