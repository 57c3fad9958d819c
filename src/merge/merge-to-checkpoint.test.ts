import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { HfCheckpoint, PROJ_OUT_NAME } from '../checkpoint/index.js';
import {
  deltaFor,
  FROZEN_TENSOR,
  loraFactorsFor,
  writeCheckpointExpert,
  writeDeltaExpert,
  writeLoraExpert,
  writeTinyBase,
} from './merge-fixtures.js';
import { computeMergeId } from './compute-merge-id.js';
import { parseMergeRecipe, type MergeRecipe } from './merge-recipe.js';
import { mergeToCheckpoint } from './merge-to-checkpoint.js';
import { mergeToMemory } from './merge-to-memory.js';
import { makeTensorMergeInput, runMethodOnTensor } from './methods/merge-method-contract.js';
import { findMergeMethod } from './methods/registry.js';

let root = '';
let baseDir = '';
let ckptExpert = '';
let deltaExpert = '';
let loraExpert = '';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'chorus-merge-'));
  baseDir = join(root, 'models', 'base');
  ckptExpert = join(root, 'models', 'experts', 'de');
  deltaExpert = join(root, 'models', 'experts', 'fr.safetensors');
  await writeTinyBase(baseDir);
  await writeCheckpointExpert(baseDir, ckptExpert, 11);
  await writeDeltaExpert(baseDir, deltaExpert, 22, { only: (n) => n.includes('decoder') });
  loraExpert = join(root, 'models', 'experts', 'it-lora');
  await writeLoraExpert(baseDir, loraExpert, 33);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

function recipe(overrides: Record<string, unknown> = {}): MergeRecipe {
  return parseMergeRecipe({
    base: baseDir,
    method: 'ties',
    parameters: { density: 0.5, lambda: 1 },
    experts: [{ path: ckptExpert }, { path: deltaExpert, weight: 0.5 }],
    ...overrides,
  });
}

test('mergeToCheckpoint() with task arithmetic, one expert and lambda 1 reproduces the expert', async () => {
  const out = join(root, 'out-ta');
  const r = recipe({ method: 'task_arithmetic', parameters: { lambda: 1 }, experts: [{ path: ckptExpert }] });
  await mergeToCheckpoint(r, out);
  await using merged = await HfCheckpoint.open(out);
  await using expert = await HfCheckpoint.open(ckptExpert);
  for (const name of expert.tensorNames) {
    const a = await merged.readF32(name);
    const b = await expert.readF32(name);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-6, `${name}[${i}]`);
  }
});

test('mergeToCheckpoint() matches the method applied to hand-built task vectors, and writes the folder files', async () => {
  const out = join(root, 'out-ties');
  const r = recipe();
  const result = await mergeToCheckpoint(r, out, { chorusVersion: '9.9.9' });
  const files = (await readdir(out)).sort();
  for (const f of [
    'config.json',
    'merge-recipe.json',
    'model.safetensors',
    'preprocessor_config.json',
    'provenance.json',
    'tokenizer_config.json',
  ]) {
    assert.ok(files.includes(f), `${f} missing`);
  }
  assert.ok(!files.includes(PROJ_OUT_NAME));
  const provenance = JSON.parse(await readFile(join(out, 'provenance.json'), 'utf8'));
  assert.equal(provenance.id, result.id);
  assert.equal(provenance.chorus_version, '9.9.9');
  assert.equal(provenance.inputs.experts[1].format, 'delta');
  assert.deepEqual(
    JSON.parse(await readFile(join(out, 'merge-recipe.json'), 'utf8')),
    JSON.parse(JSON.stringify(r)),
  );
  const method = findMergeMethod('ties');
  await using merged = await HfCheckpoint.open(out);
  await using base = await HfCheckpoint.open(baseDir);
  assert.equal(merged.isProjOutTied, true);
  for (const name of [
    'model.decoder.layers.0.fc1.weight',
    'model.encoder.layers.0.fc1.weight',
    'model.decoder.embed_tokens.weight',
  ]) {
    const theta0 = await base.readF32(name);
    const shape = base.info(name).shape;
    const d1 = deltaFor(name, theta0.length, 11);
    const d2 = name.includes('decoder') ? deltaFor(name, theta0.length, 22) : new Float32Array(theta0.length);
    const expected = await runMethodOnTensor(
      method,
      makeTensorMergeInput({ name, shape, base: theta0, deltas: [d1, d2], weights: [1, 0.5] }),
      r.parameters,
    );
    const got = await merged.readF32(name);
    for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - expected[i]) <= 1e-6, `${name}[${i}]`);
  }
  // The frozen table has zero task vectors everywhere: passed through bit for bit.
  assert.deepEqual(await merged.readRaw(FROZEN_TENSOR), await base.readRaw(FROZEN_TENSOR));
  const parentEntries = await readdir(root);
  assert.ok(!parentEntries.some((e) => e.includes('merging')), 'temporary folder left behind');
});

test('a LoRA adapter expert contributes (lora_alpha/r)·B·A to the targeted weights only', async () => {
  const out = join(root, 'out-lora');
  await mergeToCheckpoint(
    recipe({ method: 'task_arithmetic', parameters: { lambda: 1 }, experts: [{ path: loraExpert }] }),
    out,
  );
  await using merged = await HfCheckpoint.open(out);
  await using base = await HfCheckpoint.open(baseDir);
  const name = 'model.decoder.layers.0.self_attn.q_proj.weight';
  const [rows, cols] = base.info(name).shape;
  const { a, b } = loraFactorsFor(name, rows, cols, 2, 33);
  const theta0 = await base.readF32(name);
  const got = await merged.readF32(name);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let ba = 0;
      for (let k = 0; k < 2; k++) ba += b[i * 2 + k] * a[k * cols + j];
      assert.ok(Math.abs(got[i * cols + j] - (theta0[i * cols + j] + (4 / 2) * ba)) <= 1e-6);
    }
  }
  const untouched = 'model.decoder.layers.0.fc1.weight';
  assert.deepEqual(await merged.readF32(untouched), await base.readF32(untouched));
});

test('merge id and bits are stable for the same request (seeded DARE) and change with the seed', async () => {
  const r = recipe({
    method: 'dare_ties',
    parameters: { density: 0.5 },
    seed: 3,
    output: { dtype: 'float16' },
  });
  const a = await mergeToCheckpoint(r, join(root, 'dare-a'));
  const b = await mergeToCheckpoint(r, join(root, 'dare-b'));
  assert.equal(a.id, b.id);
  assert.deepEqual(
    await readFile(join(root, 'dare-a', 'model.safetensors')),
    await readFile(join(root, 'dare-b', 'model.safetensors')),
  );
  assert.equal(await computeMergeId(r), a.id);
  const again = await mergeToCheckpoint(r, join(root, 'dare-a'));
  assert.equal(again.isCached, true);
  const c = await mergeToMemory(
    recipe({ method: 'dare_ties', parameters: { density: 0.5 }, seed: 4, output: { dtype: 'float16' } }),
  );
  assert.notEqual(c.id, a.id);
  await assert.rejects(mergeToCheckpoint(recipe({ seed: 9 }), join(root, 'dare-a')), {
    code: 'REQUEST_INVALID',
  });
});

test('mergeToMemory() gives the same tensors as the float32 checkpoint, with a tied proj_out accessor', async () => {
  const r = recipe({ method: 'ties_global' });
  const mem = await mergeToMemory(r);
  const out = join(root, 'out-global');
  const disk = await mergeToCheckpoint(r, out);
  assert.equal(mem.id, disk.id);
  await using merged = await HfCheckpoint.open(out);
  for (const name of merged.tensorNames) assert.deepEqual(mem.weights.get(name), await merged.readF32(name));
  assert.equal(mem.weights.source(PROJ_OUT_NAME), mem.weights.get('model.decoder.embed_tokens.weight'));
});

test('an aborted merge leaves neither the output folder nor a temporary folder', async () => {
  const controller = new AbortController();
  const out = join(root, 'out-aborted');
  await assert.rejects(
    mergeToCheckpoint(recipe(), out, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.tensorsDone === 3) controller.abort();
      },
    }),
    (e: Error) => e.name === 'AbortError',
  );
  const entries = await readdir(root);
  assert.ok(!entries.includes('out-aborted') && !entries.some((e) => e.includes('merging')));
});

test('refusals: NaN input, foreign base, declared digest mismatch, shape mismatch, path outside roots', async () => {
  const nanDelta = join(root, 'bad', 'nan.safetensors');
  await rm(join(root, 'bad'), { recursive: true, force: true });
  await mkdir(join(root, 'bad'), { recursive: true });
  await writeDeltaExpert(baseDir, nanDelta, 5, {
    mutate: (name, d) => {
      if (name === 'model.decoder.layer_norm.bias') d[1] = Number.NaN;
    },
  });
  const out = join(root, 'never');
  await assert.rejects(mergeToCheckpoint(recipe({ experts: [{ path: nanDelta }] }), out), {
    code: 'MERGE_INPUT_INVALID',
  });

  const foreignBase = join(root, 'bad', 'other-base');
  await writeTinyBase(foreignBase, { seed: 77 });
  const foreignExpert = join(root, 'bad', 'foreign');
  await writeCheckpointExpert(foreignBase, foreignExpert, 1);
  await assert.rejects(mergeToCheckpoint(recipe({ experts: [{ path: foreignExpert }] }), out), {
    code: 'MERGE_INPUT_INVALID',
  });

  const declared = join(root, 'bad', 'declared.safetensors');
  await writeDeltaExpert(baseDir, declared, 5, { metadata: { format: 'pt', base_digest: 'f'.repeat(64) } });
  await assert.rejects(mergeToCheckpoint(recipe({ experts: [{ path: declared }] }), out), {
    code: 'MERGE_INPUT_INVALID',
  });

  // models/train's layout: <expert>/delta.safetensors + expert.json declaring the base file's sha256.
  const sidecar = join(root, 'bad', 'sidecar');
  await mkdir(sidecar, { recursive: true });
  await writeDeltaExpert(baseDir, join(sidecar, 'delta.safetensors'), 6);
  await writeFile(
    join(sidecar, 'expert.json'),
    JSON.stringify({ base: { path: 'x', sha256: 'a'.repeat(64) } }),
  );
  await assert.rejects(mergeToCheckpoint(recipe({ experts: [{ path: sidecar }] }), out), {
    code: 'MERGE_INPUT_INVALID',
  });
  const realSha = createHash('sha256')
    .update(await readFile(join(baseDir, 'model.safetensors')))
    .digest('hex');
  await writeFile(join(sidecar, 'expert.json'), JSON.stringify({ base: { path: 'x', sha256: realSha } }));
  await mergeToMemory(recipe({ experts: [{ path: sidecar }] }));

  const wide = join(root, 'bad', 'wide-base');
  await writeTinyBase(wide, { dModel: 24 });
  const wideExpert = join(root, 'bad', 'wide');
  await writeCheckpointExpert(wide, wideExpert, 1);
  await assert.rejects(mergeToCheckpoint(recipe({ experts: [{ path: wideExpert }] }), out), {
    code: 'MERGE_SHAPE_MISMATCH',
  });

  await assert.rejects(
    mergeToCheckpoint(recipe(), out, { allowedRoots: [join(root, 'models', 'experts')] }),
    {
      code: 'PATH_NOT_ALLOWED',
    },
  );
  assert.ok(!(await readdir(root)).includes('never'));
});
