import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { HfCheckpoint } from '../checkpoint/index.js';
import { countSetBits, packBitsInto } from './bit-pack.js';
import {
  applyPathwayMaskInto,
  PathwayMask,
  pathwayWeightSource,
  writeLanguagePathways,
} from './language-pathways.js';
import { deltaFor, writeDeltaExpert, writeTinyBase } from './merge-fixtures.js';
import { parseMergeRecipe } from './merge-recipe.js';
import { mergeToCheckpoint } from './merge-to-checkpoint.js';

let root = '';
let merged = '';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'chorus-pathways-'));
  const base = join(root, 'base');
  await writeTinyBase(base);
  // de changes only the encoder, fr only the decoder: each pathway must reproduce its own expert.
  await writeDeltaExpert(base, join(root, 'de.safetensors'), 1, {
    only: (n) => n.includes('encoder.layers'),
  });
  await writeDeltaExpert(base, join(root, 'fr.safetensors'), 2, {
    only: (n) => n.includes('decoder.layers'),
  });
  merged = join(root, 'merged');
  await mergeToCheckpoint(
    parseMergeRecipe({
      base,
      method: 'task_arithmetic',
      parameters: { lambda: 1 },
      experts: [{ path: join(root, 'de.safetensors') }, { path: join(root, 'fr.safetensors') }],
    }),
    merged,
  );
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('packBitsInto() uses numpy packbits layout (MSB first, zero-padded)', () => {
  const packed = packBitsInto(new Uint8Array(2), Uint8Array.of(1, 0, 1, 1, 0, 0, 0, 0, 1));
  assert.deepEqual([...packed], [0b1011_0000, 0b1000_0000]); // np.packbits([1,0,1,1,0,0,0,0,1]) == [176, 128]
  assert.equal(countSetBits(packed, 9), 4);
});

test('language pathways of disjoint experts reproduce each expert from the merged model', async () => {
  const summary = await writeLanguagePathways(merged);
  assert.deepEqual(Object.keys(summary.languages).sort(), ['de', 'fr']);
  const index = JSON.parse(await readFile(join(merged, 'pathways', 'index.json'), 'utf8'));
  assert.equal(index.mask_lambda, 0.6);
  await using base = await HfCheckpoint.open(join(root, 'base'));
  await using mergedCkpt = await HfCheckpoint.open(merged);
  await using mask = await PathwayMask.open(merged, 'de');
  const source = pathwayWeightSource(base, mergedCkpt, mask);
  for (const name of [
    'model.encoder.layers.0.fc1.weight',
    'model.decoder.layers.0.fc1.weight',
    'model.decoder.embed_tokens.weight',
  ]) {
    const theta0 = await base.readF32(name);
    const expected = Float32Array.from(theta0);
    if (name.includes('encoder.layers')) {
      const d = deltaFor(name, theta0.length, 1);
      for (let i = 0; i < d.length; i++) expected[i] += d[i];
    }
    const got = await source(name);
    for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - expected[i]) <= 1e-6, `${name}[${i}]`);
  }
  await assert.rejects(PathwayMask.open(merged, '../base'), { code: 'MODEL_NOT_FOUND' });
});

test('pathway masks computed in row blocks are byte-identical to whole-tensor masks', async () => {
  const whole = await writeLanguagePathways(merged, { blockElements: Infinity });
  const read = async (): Promise<Buffer[]> =>
    Promise.all(Object.values(whole.languages).map((l) => readFile(join(merged, 'pathways', l.file))));
  const reference = await read();
  // 40: blocks of 2-3 rows of the 16- and 32-wide matrices; 10: also the 16-element vectors, in
  // blocks of 8 (whole mask bytes)
  for (const blockElements of [40, 10]) {
    const blocked = await writeLanguagePathways(merged, { blockElements });
    assert.deepEqual(blocked.languages, whole.languages);
    assert.deepEqual(await read(), reference, `blocks of ${blockElements}`);
  }
});

test('applyPathwayMaskInto() takes merged values where the bit is set and base elsewhere', () => {
  const out = applyPathwayMaskInto(
    new Float32Array(3),
    Float32Array.of(1, 2, 3),
    Float32Array.of(10, 20, 30),
    Uint8Array.of(0b1010_0000),
  );
  assert.deepEqual([...out], [10, 2, 30]);
  assert.deepEqual(
    [
      ...applyPathwayMaskInto(
        new Float32Array(3),
        Float32Array.of(1, 2, 3),
        Float32Array.of(10, 20, 30),
        undefined,
      ),
    ],
    [1, 2, 3],
  );
});
