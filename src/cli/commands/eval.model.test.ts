/**
 * End-to-end on the shipped model: `chorus eval` over one dev utterance per (language, domain)
 * cell, through the real CLI, checkpoint loading, decoder and normalisers. The shipped models do
 * not transcribe yet (models/README.md, "Status"), so this checks the pipeline, not quality: every
 * hypothesis is what `transcribe()` gives with the manifest's language and the eval decoding, and
 * the report's figures follow from those hypotheses. Skips with a reason until models/base exists.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadAudioFile } from '../../audio/index.js';
import { countWordEdits, normalizerForLanguage, readManifest, sumEditCounts } from '../../eval/index.js';
import { openWhisperModel, transcribe } from '../../whisper/index.js';
import { buildProgram } from '../main.js';
import { EVAL_DECODING } from './eval.js';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const BASE = join(MODELS, 'base');
const DEV = join(MODELS, 'eval', 'dev', 'all.jsonl');
const skip = existsSync(join(BASE, 'config.json'))
  ? false
  : 'models/base/config.json is absent (the shipped model is trained by models/train)';

interface JsonReport {
  utteranceCount: number;
  overall: { wer: number; words: { referenceCount: number } };
  byLanguage: Record<string, unknown>;
  byDomain: Record<string, unknown>;
  realTimeFactor: number;
  utterances: { id: string; language: string; reference: string; hypothesis: string }[];
}

test(
  'chorus eval on the shipped base model: hypotheses are transcribe() with the manifest language, figures follow',
  { skip },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chorus-eval-model-'));
    try {
      const entries = await readManifest(DEV);
      const cells = new Map<string, (typeof entries)[number]>();
      for (const e of entries)
        if (!cells.has(`${e.language}/${e.domain}`)) cells.set(`${e.language}/${e.domain}`, e);
      const picked = [...cells.values()];
      const manifest = join(dir, 'cells.jsonl');
      await writeFile(
        manifest,
        picked
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
      const report = JSON.parse(await readFile(out, 'utf8')) as JsonReport;
      assert.equal(report.utteranceCount, 12);
      assert.deepEqual(Object.keys(report.byLanguage), ['de', 'en', 'es', 'fr']);
      assert.deepEqual(Object.keys(report.byDomain), ['commands', 'medical', 'numbers']);
      assert.ok(report.realTimeFactor > 0);

      // Independent path: the library pipeline on two of the utterances (one English, one not).
      const { model, tokenizer } = await openWhisperModel(BASE, { intraOpThreads: 2 });
      try {
        for (const lang of ['en', 'de']) {
          const i = picked.findIndex((e) => e.language === lang);
          const pcm = await loadAudioFile(picked[i].audioPath);
          const direct = await transcribe(model, tokenizer, pcm, {
            language: lang,
            task: 'transcribe',
            ...EVAL_DECODING,
          });
          assert.equal(report.utterances[i].hypothesis, direct.text, `utterance ${i} (${lang})`);
        }
      } finally {
        await model.close();
      }
      const counts = sumEditCounts(
        report.utterances.map((u) => {
          const normalize = normalizerForLanguage(u.language);
          return countWordEdits(normalize(u.reference), normalize(u.hypothesis));
        }),
      );
      assert.equal(report.overall.words.referenceCount, counts.referenceCount);
      assert.equal(
        report.overall.wer,
        (counts.substitutions + counts.deletions + counts.insertions) / counts.referenceCount,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
