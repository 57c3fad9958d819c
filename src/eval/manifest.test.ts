import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifest, readManifest } from './manifest.js';

test('parseManifest() resolves audio against the manifest folder and maps fields', () => {
  const [e] = parseManifest(
    '{"audio":"audio/x.wav","text":"Hallo","translation":"Hello","language":"de","domain":"numbers","duration_sec":1.5,"corpus_index":3}\n',
    '/data/sets/test/de.jsonl',
  );
  assert.deepEqual(e, {
    id: 'de.jsonl:1',
    audioPath: '/data/sets/test/audio/x.wav',
    audio: 'audio/x.wav',
    text: 'Hallo',
    translation: 'Hello',
    language: 'de',
    domain: 'numbers',
    durationSec: 1.5,
  });
});

test('parseManifest() skips blank lines and rejects bad lines with REQUEST_INVALID', () => {
  assert.equal(parseManifest('\n{"audio":"a.wav","text":""}\n\n', 'm.jsonl').length, 1);
  assert.throws(() => parseManifest('{"audio":"a.wav"}', 'm.jsonl'), { code: 'REQUEST_INVALID' });
  assert.throws(() => parseManifest('{not json', 'm.jsonl'), { code: 'REQUEST_INVALID' });
  assert.throws(() => parseManifest('{"audio":"a.wav","text":"x","duration_sec":-1}', 'm.jsonl'), {
    code: 'REQUEST_INVALID',
  });
});

test('readManifest() of a folder reads every .jsonl once per audio file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'chorus-manifest-'));
  try {
    await mkdir(join(dir, 'audio'));
    const a = '{"audio":"audio/a.wav","text":"a","language":"de"}';
    const b = '{"audio":"audio/b.wav","text":"b","language":"en"}';
    await writeFile(join(dir, 'all.jsonl'), `${a}\n${b}\n`);
    await writeFile(join(dir, 'de.jsonl'), `${a}\n`);
    await writeFile(join(dir, 'notes.txt'), 'ignored');
    const entries = await readManifest(dir);
    assert.deepEqual(
      entries.map((e) => [e.id, e.text]),
      [
        ['all.jsonl:1', 'a'],
        ['all.jsonl:2', 'b'],
      ],
    );
    assert.equal((await readManifest(join(dir, 'de.jsonl'))).length, 1);
    await assert.rejects(readManifest(join(dir, 'audio')), { code: 'REQUEST_INVALID' });
    await assert.rejects(readManifest(join(dir, 'missing.jsonl')), { code: 'REQUEST_INVALID' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
