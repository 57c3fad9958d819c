import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { isAppError } from '../shared/index.js';
import { loadMergeRecipe, parseMergeRecipe, resolveExpertParams } from './merge-recipe.js';

const minimal = {
  base: 'models/base',
  method: 'ties',
  parameters: { lambda: 1.0, density: 0.2 },
  experts: [
    { path: 'models/experts/de/delta.safetensors', weight: 1.0 },
    { path: 'models/experts/fr', weight: 1.0, parameters: { density: 0.3 } },
  ],
  output: { dtype: 'float16' },
};

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isAppError(e, 'MERGE_RECIPE_INVALID'), `expected MERGE_RECIPE_INVALID, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected a throw');
}

test('parseMergeRecipe() fills defaults, derives expert names and resolves paths against baseDir', () => {
  const r = parseMergeRecipe(minimal, { baseDir: '/srv/chorus' });
  assert.equal(r.base, '/srv/chorus/models/base');
  assert.deepEqual(
    r.experts.map((e) => e.name),
    ['de', 'fr'],
  );
  assert.equal(r.seed, 0);
  assert.equal(r.output.dtype, 'float16');
  assert.deepEqual(r.parameters, { density: 0.2, lambda: 1, normalize: true });
  assert.ok(r.svd_exclude.length > 0);
  const perExpert = resolveExpertParams(r);
  assert.equal(perExpert[0].density, 0.2);
  assert.equal(perExpert[1].density, 0.3);
});

test('parseMergeRecipe() names the offending field of a bad expert weight and of an unknown key', () => {
  const bad = { ...minimal, experts: [minimal.experts[0], { path: 'x', weight: 'heavy' }], outptu: {} };
  const message = messageOf(() => parseMergeRecipe(bad));
  assert.match(message, /experts\.1\.weight/);
  assert.match(message, /outptu/);
});

test('parseMergeRecipe() rejects an unknown method and lists the known ones', () => {
  const message = messageOf(() => parseMergeRecipe({ ...minimal, method: 'frankenmerge' }));
  assert.match(message, /task_arithmetic/);
});

test('parseMergeRecipe() validates method and per-expert parameters with the method schema', () => {
  assert.match(
    messageOf(() => parseMergeRecipe({ ...minimal, parameters: { density: 2 } })),
    /parameters\.density/,
  );
  assert.match(
    messageOf(() => parseMergeRecipe({ ...minimal, parameters: { dnesity: 0.2 } })),
    /parameters/,
  );
  const badExpert = { ...minimal, experts: [{ path: 'a', parameters: { density: -1 } }] };
  assert.match(
    messageOf(() => parseMergeRecipe(badExpert)),
    /experts\.0\.parameters\.density/,
  );
});

test('parseMergeRecipe() rejects duplicate expert names and an empty expert list', () => {
  messageOf(() => parseMergeRecipe({ ...minimal, experts: [{ path: 'a/de' }, { path: 'b/de' }] }));
  messageOf(() => parseMergeRecipe({ ...minimal, experts: [] }));
});

test('loadMergeRecipe() reads YAML and JSON files and refuses malformed text', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'chorus-recipe-'));
  try {
    const yamlPath = join(dir, 'r.yaml');
    await writeFile(
      yamlPath,
      [
        'base: models/base',
        'method: ties',
        'parameters: { lambda: 1.0, density: 0.2 }',
        'experts:',
        '  - { path: models/experts/de/delta.safetensors, weight: 1.0 }',
        '  - { path: models/experts/fr, weight: 1.0, parameters: { density: 0.3 } }',
        'output: { dtype: float16 }',
        'seed: 7',
      ].join('\n'),
    );
    const fromYaml = await loadMergeRecipe(yamlPath, { baseDir: dir });
    const jsonPath = join(dir, 'r.json');
    await writeFile(jsonPath, JSON.stringify({ ...minimal, seed: 7 }));
    const fromJson = await loadMergeRecipe(jsonPath, { baseDir: dir });
    assert.deepEqual(fromYaml, fromJson);
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'base: [unclosed');
    await assert.rejects(loadMergeRecipe(broken), { code: 'MERGE_RECIPE_INVALID' });
    await assert.rejects(loadMergeRecipe(join(dir, 'missing.yaml')), { code: 'MERGE_RECIPE_INVALID' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the example recipe in test/fixtures/merge parses with every field', async () => {
  const path = fileURLToPath(new URL('../../test/fixtures/merge/example-recipe.yaml', import.meta.url));
  const r = await loadMergeRecipe(path, { baseDir: '/srv' });
  assert.deepEqual(
    r.experts.map((e) => [e.name, e.weight]),
    [
      ['de', 1],
      ['fr', 1],
      ['medical', 0.5],
    ],
  );
  assert.equal(r.output.dtype, 'float16');
  assert.deepEqual(r.svd_exclude, ['*embed_tokens*', '*embed_positions*', 'proj_out.*']);
  assert.equal(r.experts[2].path, '/srv/models/experts/medical-lora');
});
