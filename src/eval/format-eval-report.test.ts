import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateManifest } from './evaluate-manifest.js';
import { formatEvalReport } from './format-eval-report.js';

test('formatEvalReport() shows the overall WER, the group tables and ref vs hyp of the worst', async () => {
  const entries = [
    {
      id: 'u1',
      audio: 'u1.wav',
      audioPath: '/u1.wav',
      text: 'a b c d',
      language: 'de',
      domain: 'numbers',
      durationSec: 2,
    },
    {
      id: 'u2',
      audio: 'u2.wav',
      audioPath: '/u2.wav',
      text: 'e f',
      language: 'fr',
      domain: 'medical',
      durationSec: 2,
    },
  ];
  let t = 0;
  const report = await evaluateManifest(entries, async (e) => ({ text: e.id === 'u1' ? 'a b x d' : 'e f' }), {
    nowMs: () => (t += 100),
  });
  const text = formatEvalReport(report);
  assert.match(text, /^WER 16\.67%/); // 1 edit / 6 words
  assert.match(text, /\n {2}u1 \[de\/numbers\] WER 25\.00%\n {4}ref: a b c d\n {4}hyp: a b x d/);
  assert.match(text, /\nde\s+1\s+4\s+25\.00%/);
  assert.match(text, /\nmedical\s+1\s+2\s+0\.00%/);
  assert.match(text, /real-time factor 0\.050/); // 0.2 s of processing for 4 s of audio
});

test('formatEvalReport() shows BLEU for the translate task', async () => {
  const entries = [
    { id: 'u1', audio: 'u1.wav', audioPath: '/u1.wav', text: 'x', translation: 'the cat sat on the mat' },
  ];
  const report = await evaluateManifest(entries, async (e) => ({ text: e.translation ?? '' }), {
    task: 'translate',
  });
  assert.match(formatEvalReport(report), /^BLEU 100\.00 /);
});
