import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeWhisperModel, type FakeLanguageModel } from './decode/testing/fake-whisper-model.js';
import { scriptedLm } from './decode/testing/scripted-lm.js';
import { testTokenizer } from './decode/testing/test-tokenizer.js';
import { transcribe } from './transcribe.js';

const tok = testTokenizer();
const s = tok.special;
const TB = s.timestampBegin;
const w = (text: string) => tok.encode(text);

// A 10-s window model (maxSourcePositions 500 → 1000 mel frames), 25 s of noise.
function noise(seconds: number): Float32Array {
  const pcm = new Float32Array(seconds * 16_000);
  let x = 1;
  for (let i = 0; i < pcm.length; i++)
    pcm[i] = ((x = (x * 48_271) % 2_147_483_647) / 2_147_483_647 - 0.5) * 0.1;
  return pcm;
}

test('transcribe() runs the seek loop: segments, seek by last timestamp, no-speech skip, prompts, progress', async () => {
  const scripts = {
    0: [TB, ...w(' A'), TB + 100, TB + 150, ...w(' B'), TB + 300], // single-timestamp ending → next window
    1: [TB, ...w(' C'), TB + 200, TB + 220, ...w(' D')], // unfinished tail → seek to 10 s + 4 s
    2: [TB, ...w(' D E'), TB + 100], // → seek 14 s + 10 s = 24 s
    3: [], // 1 s of noise left: no speech
  };
  const histories: number[][] = [];
  const base = scriptedLm(tok, scripts, { noSpeechLogits: { 3: 12 } });
  const lm: FakeLanguageModel = (out, h, id) => {
    histories.push([id, ...h]);
    base(out, h, id);
  };
  const model = fakeWhisperModel(lm, { maxSourcePositions: 500, windowIdOf: (_m, call) => call });
  const progress: number[] = [];
  const r = await transcribe(model, tok, noise(25), {
    language: 'en',
    onProgress: (done) => progress.push(done),
  });
  assert.equal(model.stats.encodeCalls, 4);
  const texts = r.segments.map((seg) => seg.text);
  assert.deepEqual(texts, [' A', ' B', ' C', ' D E']);
  const times = r.segments.map((seg) => [seg.start, seg.end].map((t) => Math.round(t * 100) / 100));
  assert.deepEqual(times, [
    [0, 2],
    [3, 6],
    [10, 14],
    [14, 16],
  ]);
  assert.deepEqual(
    r.segments.map((seg) => seg.seek),
    [0, 0, 1000, 1400],
  );
  assert.equal(r.text, 'A B C D E');
  assert.equal(r.language, 'en');
  assert.equal(r.durationSec, 25);
  assert.deepEqual(
    r.segments.map((seg) => seg.id),
    [0, 1, 2, 3],
  );
  assert.deepEqual(r.segments[0].tokens, [TB, ...w(' A'), TB + 100]);
  // Window 1 is conditioned on window 0's tokens behind <|startofprev|>.
  const win1 = histories.find((h) => h[0] === 1 && h.includes(s.sot))!.slice(1);
  assert.equal(win1[0], s.startOfPrev);
  assert.deepEqual(win1.slice(1, 7), [TB, ...w(' A'), TB + 100, TB + 150, ...w(' B'), TB + 300]);
  // Progress is monotonic and reaches the total.
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i] >= progress[i - 1]);
  assert.equal(progress.at(-1), 25);
});

test('transcribe() detects the language once and conditions nothing when asked not to', async () => {
  const histories: number[][] = [];
  const base = scriptedLm(
    tok,
    { 0: [TB, ...w(' Hallo'), TB + 100], 1: [TB, ...w(' Welt'), TB + 100] },
    {
      languages: { 0: 'de', 1: 'fr' },
    },
  );
  const model = fakeWhisperModel(
    (out, h, id) => {
      histories.push([...h]);
      base(out, h, id);
    },
    { maxSourcePositions: 500, windowIdOf: (_m, call) => call },
  );
  const r = await transcribe(model, tok, noise(12), {
    conditionOnPreviousText: false,
    initialPrompt: 'Glossar',
  });
  assert.equal(r.language, 'de');
  assert.ok(r.languageProbability !== undefined && r.languageProbability > 0.5);
  assert.equal(r.text, 'Hallo Welt');
  // Window 1's LM would say French: the language detected on window 0 is kept.
  assert.ok(
    !histories.some((h) => h.includes(tok.languageToken('fr'))),
    'language detected from the first window only',
  );
  const second = histories.filter((h) => h.includes(tok.languageToken('de'))).at(-1)!;
  assert.ok(!second.includes(s.startOfPrev), 'no prompt after the first window');
  const first = histories.find((h) => h.includes(s.startOfPrev))!;
  assert.deepEqual(first.slice(0, 1 + w(' Glossar').length), [s.startOfPrev, ...w(' Glossar')]);
});

test('transcribe() with wordTimestamps gives ordered words inside their segments', async () => {
  const text = w(' one two three four');
  // Each token's cross-attention peaks 30 positions (0.6 s) after the previous one.
  const withTs = scriptedLm(tok, { 0: [TB, ...text, TB + 200] });
  const forced = scriptedLm(tok, { 0: text }); // the alignment pass runs after <|notimestamps|>
  const lm: FakeLanguageModel = (out, h, id) => (h.includes(s.noTimestamps) ? forced : withTs)(out, h, id);
  const model = fakeWhisperModel(lm, {
    maxSourcePositions: 500,
    windowIdOf: () => 0,
    attention: (out, history) => {
      const k = history.length - 1 - history.indexOf(s.noTimestamps);
      const peak = 10 + 30 * Math.max(0, k);
      for (let p = 0; p < out.length; p++) out[p] = Math.exp(-(((p - peak) / 4) ** 2));
      let sum = 0;
      for (const v of out) sum += v;
      for (let p = 0; p < out.length; p++) out[p] /= sum;
    },
  });
  const r = await transcribe(model, tok, noise(6), { language: 'en', wordTimestamps: true });
  const words = r.segments.flatMap((seg) => seg.words ?? []);
  assert.deepEqual(
    words.map((x) => x.word),
    [' one', ' two', ' three', ' four'],
  );
  for (let i = 1; i < words.length; i++) assert.ok(words[i].start >= words[i - 1].start);
  // DTW rows are <|notimestamps|>, one, two, …, peaking at 10, 40, 70, … positions; word i starts
  // where the path enters row i, halfway between peaks: (30i − 5) / 50 s.
  for (let i = 1; i < words.length; i++) {
    assert.ok(Math.abs(words[i].start - (30 * i - 5) / 50) <= 0.04, `${words[i].word} at ${words[i].start}`);
  }
  assert.equal(words.at(-1)!.end, r.segments.at(-1)!.end);
  for (const x of words) assert.ok(x.probability > 0.9 && x.probability <= 1);
});

test('transcribe() rejects an unknown language with REQUEST_INVALID', async () => {
  const model = fakeWhisperModel(scriptedLm(tok, {}));
  await assert.rejects(transcribe(model, tok, noise(1), { language: 'xx' }), { code: 'REQUEST_INVALID' });
});

test('transcribe() pads the last window with the log-mel of silence, or with 0.0 when asked', async () => {
  const tails: Record<string, Float32Array> = {};
  for (const windowPadding of ['silence', 'zeros'] as const) {
    const model = fakeWhisperModel(scriptedLm(tok, {}), { maxSourcePositions: 500, windowIdOf: () => 0 });
    await transcribe(model, tok, noise(3), { language: 'en', temperature: 0, windowPadding });
    const mel = model.stats.windows[0];
    // Mel bin 0, frames 400..999 lie past the 3 s of audio (300 frames + the STFT edge).
    tails[windowPadding] = mel.subarray(400, 1000);
  }
  assert.ok(tails.zeros.every((v) => v === 0));
  const silence = tails.silence;
  assert.ok(silence.every((v) => v === silence[0]) && silence[0] < 0, `silence floor ${silence[0]}`);
});

test("transcribe() conditions on previous text as the model's generation_config says, unless told", async () => {
  const prompted = async (modelDefault: boolean | undefined, option: boolean | undefined) => {
    const histories: number[][] = [];
    const base = scriptedLm(tok, { 0: [TB, ...w(' One'), TB + 100], 1: [TB, ...w(' Two'), TB + 100] });
    const model = fakeWhisperModel(
      (out, h, id) => {
        histories.push([...h]);
        base(out, h, id);
      },
      { maxSourcePositions: 500, windowIdOf: (_m, call) => call },
    );
    const withDefault =
      modelDefault === undefined
        ? model
        : { ...model, config: { ...model.config, conditionOnPreviousText: modelDefault } };
    const r = await transcribe(withDefault, tok, noise(12), {
      language: 'en',
      ...(option === undefined ? {} : { conditionOnPreviousText: option }),
    });
    assert.equal(r.text, 'One Two');
    return histories.some((h) => h.includes(s.startOfPrev));
  };
  assert.equal(await prompted(undefined, undefined), true); // openai's default
  assert.equal(await prompted(false, undefined), false); // the model's generation_config
  assert.equal(await prompted(true, undefined), true);
  assert.equal(await prompted(false, true), true); // an explicit option wins
  assert.equal(await prompted(true, false), false);
});
