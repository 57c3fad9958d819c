/**
 * Parity on the shipped model: chorus's whole path (WAV → log-mel → chorus ONNX graphs → openai
 * decoding rules, greedy) gives exactly the tokens of the training recipe's PyTorch model and
 * greedy decoder. Skips when models/base is absent or differs from the fixture's model.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadAudioFile } from '../audio/index.js';
import { openWhisperModel } from './load-model.js';
import { transcribe } from './transcribe.js';

const MODELS = fileURLToPath(new URL('../../models/', import.meta.url));
const BASE = join(MODELS, 'base');
const fixture = JSON.parse(
  readFileSync(new URL('fixtures/base-greedy-python.json', import.meta.url), 'utf8'),
) as {
  modelSha256: string;
  maxNewTokens: number;
  cases: { audio: string; language: string; task: 'transcribe' | 'translate'; tokens: number[] }[];
};

function skipReason(): string | false {
  const weights = join(BASE, 'model.safetensors');
  if (!existsSync(weights)) return 'models/base/model.safetensors is absent';
  const sha = createHash('sha256').update(readFileSync(weights)).digest('hex');
  if (sha !== fixture.modelSha256) {
    return 'models/base changed since the fixture was made: rerun src/whisper/fixtures/make-base-greedy-fixture.py';
  }
  return false;
}

test(
  "transcribe() greedy equals the training recipe's PyTorch greedy decode on every sample",
  { skip: skipReason() },
  async () => {
    const { model, tokenizer } = await openWhisperModel(BASE, { intraOpThreads: 2 });
    try {
      for (const c of fixture.cases) {
        const pcm = await loadAudioFile(join(MODELS, 'samples', c.audio));
        const r = await transcribe(model, tokenizer, pcm, {
          language: c.language,
          task: c.task,
          withoutTimestamps: true,
          temperature: 0,
          maxNewTokens: fixture.maxNewTokens,
        });
        assert.deepEqual(
          r.segments.flatMap((s) => s.tokens),
          c.tokens,
          `${c.audio} ${c.task}: "${r.text}" vs "${tokenizer.decode(c.tokens).trim()}"`,
        );
      }
    } finally {
      await model.close();
    }
  },
);
