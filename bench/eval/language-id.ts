// Language identification of the shipped base on the test set: openai's detection (transcribe()
// with no language given) against each utterance's manifest language; prints and writes the
// confusion counts to bench/results/language-id.json.
// Run: npx tsx bench/eval/language-id.ts [--model DIR] [--threads N]
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAudioFile } from '../../src/audio/index.js';
import { readManifest } from '../../src/eval/index.js';
import { openWhisperModel, transcribe } from '../../src/whisper/index.js';
import { writeBenchResult } from '../whisper/bench-timing.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: join(ROOT, 'models', 'base') },
    threads: { type: 'string', default: '2' },
  },
});
const threads = Number(args.threads);
const manifest = join(ROOT, 'models', 'eval', 'test', 'all.jsonl');
const entries = await readManifest(manifest);
const { model, tokenizer } = await openWhisperModel(args.model ?? '', { intraOpThreads: threads });
const confusion: Record<string, Record<string, number>> = {};
let correct = 0;
try {
  for (const e of entries) {
    const r = await transcribe(model, tokenizer, await loadAudioFile(e.audioPath), { task: 'transcribe' });
    const expected = e.language ?? 'unknown';
    const row = (confusion[expected] ??= {});
    row[r.language] = (row[r.language] ?? 0) + 1;
    if (r.language === expected) correct++;
  }
} finally {
  await model.close();
}
process.stdout.write(`language id: ${correct} of ${entries.length} right; ${JSON.stringify(confusion)}\n`);
writeBenchResult('language-id', threads, {
  model: args.model,
  manifest: 'models/eval/test/all.jsonl',
  correct,
  utterances: entries.length,
  confusion,
});
