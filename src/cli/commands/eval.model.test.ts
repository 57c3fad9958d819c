/**
 * End-to-end on the shipped model: `chorus eval` over a spread of dev utterances (every language
 * and domain), through the real CLI, checkpoint loading, decoder and normalisers. Skips with a
 * reason until models/base exists.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readManifest } from '../../eval/index.js';
import { buildProgram } from '../main.js';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const BASE = join(MODELS, 'base');
const DEV = join(MODELS, 'eval', 'dev', 'all.jsonl');
const skip = existsSync(join(BASE, 'config.json'))
  ? false
  : 'models/base/config.json is absent (the shipped model is trained by models/train)';
// The base model is small and trained on synthetic speech; this bound only catches a broken
// pipeline (wrong language token, normaliser or alignment), not quality regressions.
const MAX_DEV_WER = 0.35;

test(
  'chorus eval on the shipped base model scores dev utterances of every language and domain',
  { skip },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chorus-eval-model-'));
    try {
      // 12 utterances: one per (language, domain) cell of the dev set, rows rewritten to point at its audio.
      const entries = await readManifest(DEV);
      const cells = new Map<string, (typeof entries)[number]>();
      for (const e of entries)
        if (!cells.has(`${e.language}/${e.domain}`)) cells.set(`${e.language}/${e.domain}`, e);
      const manifest = join(dir, 'cells.jsonl');
      await writeFile(
        manifest,
        [...cells.values()]
          .map((e) =>
            JSON.stringify({
              audio: e.audioPath,
              text: e.text,
              translation: e.translation,
              language: e.language,
              domain: e.domain,
            }),
          )
          .join('\n'),
      );
      const out = join(dir, 'report.json');
      const write = process.stdout.write;
      process.stdout.write = (() => true) as typeof process.stdout.write;
      try {
        await buildProgram().parseAsync(
          ['eval', manifest, '--model', BASE, '--json', out, '--threads', '2'],
          {
            from: 'user',
          },
        );
      } finally {
        process.stdout.write = write;
      }
      const report = JSON.parse(await readFile(out, 'utf8')) as {
        utteranceCount: number;
        overall: { wer: number; cer: number };
        byLanguage: Record<string, { wer: number }>;
        byDomain: Record<string, { wer: number }>;
        realTimeFactor: number;
      };
      assert.equal(report.utteranceCount, 12);
      assert.deepEqual(Object.keys(report.byLanguage), ['de', 'en', 'es', 'fr']);
      assert.deepEqual(Object.keys(report.byDomain), ['commands', 'medical', 'numbers']);
      assert.ok(report.overall.wer < MAX_DEV_WER, `dev WER ${report.overall.wer}`);
      assert.ok(report.overall.cer <= report.overall.wer + 0.2, `CER ${report.overall.cer}`);
      assert.ok(report.realTimeFactor > 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
