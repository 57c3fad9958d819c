import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadHfTokenizer, loadTiktokenTokenizer } from './load-whisper-tokenizer.js';

const DIR = fileURLToPath(new URL('../../../models/tokenizer/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'chorus-tok-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const TEXTS = [' Hello world', ' Привет, мир!', ' 你好世界', "We'll see 🎉 ♪"];

test('loadHfTokenizer() from tokenizer.json encodes like the tiktoken ranks', async () => {
  const fromHf = await loadHfTokenizer(DIR, 51_865);
  const fromTiktoken = await loadTiktokenTokenizer(join(DIR, 'multilingual.tiktoken'), 51_865);
  for (const s of TEXTS) assert.deepEqual(fromHf.encode(s), fromTiktoken.encode(s), s);
  assert.equal(fromHf.decode(fromHf.encode(TEXTS[1])), TEXTS[1]);
});

test('loadHfTokenizer() falls back to vocab.json + added_tokens.json', async () => {
  const d = join(scratch, 'vocab-only');
  mkdirSync(d);
  writeFileSync(join(d, 'vocab.json'), readFileSync(join(DIR, 'vocab.json')));
  writeFileSync(join(d, 'added_tokens.json'), readFileSync(join(DIR, 'added_tokens.json')));
  const t = await loadHfTokenizer(d, 51_865);
  assert.deepEqual(t.encode(' Hello world'), [2425, 1002]);
  // The same added tokens contradict a v3 layout (51866 shifts translate, timestamps, ...).
  await assert.rejects(loadHfTokenizer(d, 51_866), { code: 'TOKENIZER_INVALID' });
});

test('loadHfTokenizer() names the problem for a missing or corrupt tokenizer', async () => {
  await assert.rejects(loadHfTokenizer(join(scratch, 'nope'), 51_865), (e: Error & { code?: string }) => {
    return e.code === 'TOKENIZER_INVALID' && e.message.includes('tokenizer.json');
  });
  const d = join(scratch, 'corrupt');
  mkdirSync(d);
  writeFileSync(join(d, 'tokenizer.json'), '{"model": {"vocab": {"a": 0,');
  await assert.rejects(loadHfTokenizer(d, 51_865), (e: Error & { code?: string }) => {
    return e.code === 'TOKENIZER_INVALID' && e.message.includes(join(d, 'tokenizer.json'));
  });
  writeFileSync(join(d, 'tokenizer.json'), '{"model": {"vocab": {"a": 0}}}');
  await assert.rejects(loadHfTokenizer(d, 51_865), { code: 'TOKENIZER_INVALID' });
  await assert.rejects(loadTiktokenTokenizer(join(d, 'missing.tiktoken'), 51_865), {
    code: 'TOKENIZER_INVALID',
  });
});
