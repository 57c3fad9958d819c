import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeWindow, type WindowDecodeOptions } from './decode-window.js';
import { fakeWhisperModel, type FakeLanguageModel } from './testing/fake-whisper-model.js';
import { scriptedLm } from './testing/scripted-lm.js';
import { melForWindow, testTokenizer } from './testing/test-tokenizer.js';
import { suppressTokenIds } from './suppress-token-ids.js';

const tok = testTokenizer();
const s = tok.special;
const TB = s.timestampBegin;

async function run(lm: FakeLanguageModel, options: Partial<WindowDecodeOptions>, windowId = 0) {
  const model = fakeWhisperModel(lm);
  const audio = await model.encode(melForWindow(windowId), 1);
  const result = await decodeWindow(model, tok, audio, { task: 'transcribe', temperature: 0, ...options });
  assert.equal(model.stats.liveStates, 0, 'every decoder state is disposed');
  return result;
}

function logSoftmaxAt(logits: Float32Array, i: number): number {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  return logits[i] - max - Math.log(sum);
}

test('decodeWindow() greedy follows the scripted LM, detects the language and reports no-speech', async () => {
  const words = tok.encode(' Hello world');
  const lm = scriptedLm(
    tok,
    { 0: [TB, ...words, TB + 60] },
    { languages: { 0: 'de' }, noSpeechLogits: { 0: 2 } },
  );
  const r = await run(lm, {});
  assert.equal(r.language, 'de');
  assert.ok(r.languageDetection !== undefined && r.languageDetection.probability > 0.9);
  assert.deepEqual(r.tokens, [TB, ...words, TB + 60]);
  assert.equal(r.text, 'Hello world');
  // no-speech: softmax at the SOT position over V tokens: logit 2 vs language 5 vs baseline −10.
  const expectedNoSpeech =
    Math.exp(2) / (Math.exp(2) + Math.exp(5) + Math.exp(10) + (s.vocabSize - 3) * Math.exp(-10));
  assert.ok(Math.abs(r.noSpeechProb - expectedNoSpeech) < 1e-6, `${r.noSpeechProb} vs ${expectedNoSpeech}`);
  // avg logprob: each scripted step has logit 10 against the rest; filters change the denominators,
  // so only check the bounds: close to 0 and (sum)/(n+1).
  assert.ok(r.avgLogprob < 0 && r.avgLogprob > -0.1);
  assert.ok(Math.abs(r.avgLogprob - r.sumLogprob / (r.tokens.length + 1)) < 1e-12);
});

test('decodeWindow() without timestamps puts <|notimestamps|> in the SOT sequence and prompt before it', async () => {
  const seen: number[][] = [];
  const words = tok.encode(' Hi');
  const base = scriptedLm(tok, { 0: words });
  const lm: FakeLanguageModel = (out, history, w) => {
    seen.push([...history]);
    base(out, history, w);
  };
  const prompt = tok.encode(' earlier text');
  const r = await run(lm, { language: 'en', withoutTimestamps: true, promptTokens: prompt });
  assert.equal(r.text, 'Hi');
  const first = seen.find((h) => h.includes(s.noTimestamps))!;
  assert.deepEqual(first.slice(0, prompt.length + 5), [
    s.startOfPrev,
    ...prompt,
    s.sot,
    tok.languageToken('en'),
    s.transcribe,
    s.noTimestamps,
  ]);
});

test('decodeWindow() stops at maxNewTokens', async () => {
  const lm: FakeLanguageModel = (out) => {
    out[tok.encode(' la')[0]] = 10;
  };
  const r = await run(lm, { language: 'en', withoutTimestamps: true, maxNewTokens: 7 });
  assert.equal(r.tokens.length, 7);
  assert.ok(r.compressionRatio > 1);
});

// A random LM: logits are a hash of (history, token) — deterministic, arbitrary.
function hashLm(seed: number, hot: readonly number[], spread: number): FakeLanguageModel {
  return (out, history) => {
    let h = seed >>> 0;
    for (const t of history) h = Math.imul(h ^ t, 2_654_435_761) >>> 0;
    for (const t of hot) {
      const x = Math.imul(h ^ (t * 40_503), 2_246_822_519) >>> 0;
      out[t] = ((x % 10_000) / 10_000) * spread - spread / 2;
    }
  };
}

test('the decode loop never emits a suppressed token and timestamps obey the pairing/monotonic rules', async () => {
  const suppressed = new Set(suppressTokenIds(tok, [-1]));
  const hotText = [
    ...tok.nonSpeechTokens.slice(0, 6),
    220,
    11,
    13,
    400,
    1002,
    2425,
    s.eot,
    s.noSpeech,
    s.translate,
  ];
  const hot = [...hotText, ...Array.from({ length: 12 }, (_, i) => TB + i * 7), s.noTimestamps];
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 1e9 }),
      fc.constantFrom(1, 3),
      fc.constantFrom(0, 0.7),
      fc.boolean(),
      async (seed, beam, temperature, withoutTimestamps) => {
        const r = await run(hashLm(seed, hot, 12), {
          language: 'en',
          beamSize: beam,
          bestOf: 2,
          temperature,
          withoutTimestamps,
          maxNewTokens: 12,
          random: () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647,
        });
        for (const t of r.tokens) assert.ok(!suppressed.has(t), `suppressed token ${t}`);
        assert.ok(!r.tokens.includes(s.eot), 'EOT ends the result');
        // Without timestamps openai applies no timestamp rule (the model is trusted not to emit them).
        if (!withoutTimestamps && r.tokens.length > 0) {
          assert.ok(r.tokens[0] >= TB && r.tokens[0] <= TB + 50, 'starts with an initial timestamp');
          const ts = r.tokens.filter((t) => t >= TB);
          for (let i = 1; i < ts.length; i++) assert.ok(ts[i] >= ts[i - 1], 'monotonic');
          for (let i = 2; i < r.tokens.length; i++) {
            const tri = r.tokens.slice(i - 2, i + 1).every((t) => t >= TB);
            assert.ok(!tri, 'never three timestamps in a row');
          }
        }
      },
    ),
    { numRuns: 12 },
  );
});

test('beam search with a beam wider than the search space equals exhaustive search', async () => {
  const A = 1002;
  const B = 2425;
  const alphabet = [A, B, s.eot];
  const maxNew = 3;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 1e9 }),
      fc.option(fc.double({ min: 0, max: 2, noNaN: true })),
      async (seed, lp) => {
        const lm = hashLm(seed, alphabet, 8);
        const options = {
          language: 'en',
          withoutTimestamps: true,
          suppressBlank: false,
          suppressTokens: [],
          beamSize: 16,
          maxNewTokens: maxNew,
          ...(lp === null ? {} : { lengthPenalty: lp }),
        };
        const r = await run((out, h, w) => {
          out.fill(-Infinity);
          lm(out, h, w);
        }, options);
        // Exhaustive: all sequences over {A, B} of length ≤ maxNew, ended by EOT (scored with the EOT's
        // log-prob) or cut at maxNew (scored without it), ranked like openai's MaximumLikelihoodRanker.
        const prefix = [s.sot, tok.languageToken('en'), s.transcribe, s.noTimestamps];
        const logits = new Float32Array(s.vocabSize);
        const lpAt = (h: number[], t: number) => {
          logits.fill(-Infinity);
          lm(logits, h, 0);
          return logSoftmaxAt(logits, t);
        };
        let best = { score: -Infinity, tokens: [] as number[] };
        const visit = (seq: number[], sum: number) => {
          const consider = (tokens: number[], total: number) => {
            const penalty = lp === null ? tokens.length : ((5 + tokens.length) / 6) ** lp;
            if (total / penalty > best.score) best = { score: total / penalty, tokens };
          };
          const h = [...prefix, ...seq];
          consider(seq, sum + lpAt(h, s.eot));
          if (seq.length === maxNew) {
            consider(seq, sum);
            return;
          }
          for (const t of [A, B]) visit([...seq, t], sum + lpAt(h, t));
        };
        visit([], 0);
        assert.deepEqual(r.tokens, best.tokens);
      },
    ),
    { numRuns: 12 },
  );
});

test('beam search finds a sequence greedy misses', async () => {
  const A = 1002;
  const B = 2425;
  const C = 400;
  // Greedy takes A (0.55) then a flat distribution; B (0.45) is followed by a sure C then EOT.
  const lm: FakeLanguageModel = (out, h) => {
    out.fill(-Infinity);
    const last = h[h.length - 1];
    if (last === s.noTimestamps) {
      out[A] = Math.log(0.55);
      out[B] = Math.log(0.45);
    } else if (last === A) {
      for (const t of [C, 11, 13, 198]) out[t] = Math.log(0.2);
      out[s.eot] = Math.log(0.2);
    } else if (last === B) out[C] = 0;
    else out[s.eot] = 0;
  };
  const common = {
    language: 'en',
    withoutTimestamps: true,
    suppressBlank: false,
    suppressTokens: [],
    maxNewTokens: 3,
  };
  const greedy = await run(lm, common);
  const beam = await run(lm, { ...common, beamSize: 2 });
  assert.equal(greedy.tokens[0], A);
  assert.deepEqual(beam.tokens, [B, C]);
});

test('temperature sampling is reproducible with a seeded source and follows a one-hot LM', async () => {
  const words = tok.encode(' one two three');
  const lm = scriptedLm(tok, { 0: words }, { confidence: 40 });
  const r = await run(lm, {
    language: 'en',
    withoutTimestamps: true,
    temperature: 1,
    bestOf: 3,
    random: () => 0.5,
  });
  assert.equal(r.text, 'one two three');
  assert.equal(r.temperature, 1);
  const noisy = hashLm(7, [1002, 2425, 400, s.eot], 4);
  const seeded = (seed: number) => () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  const a = await run(noisy, {
    language: 'en',
    withoutTimestamps: true,
    temperature: 1,
    random: seeded(42),
    maxNewTokens: 10,
  });
  const b = await run(noisy, {
    language: 'en',
    withoutTimestamps: true,
    temperature: 1,
    random: seeded(42),
    maxNewTokens: 10,
  });
  assert.deepEqual(a.tokens, b.tokens);
});
