import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Command } from 'commander';
import { writeDeltaExpert, writeTinyBase } from '../../merge/merge-fixtures.js';
import { registerMergeCommand } from './merge.js';

let root = '';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'chorus-cli-merge-'));
  await writeTinyBase(join(root, 'base'));
  await writeDeltaExpert(join(root, 'base'), join(root, 'de.delta.safetensors'), 1);
  await writeDeltaExpert(join(root, 'base'), join(root, 'fr.safetensors'), 2);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

function program(): Command {
  const p = new Command('chorus').exitOverride();
  registerMergeCommand(p);
  return p;
}

test('chorus merge RECIPE --out DIR writes a checkpoint folder and pathways', async () => {
  const recipe = join(root, 'recipe.yaml');
  await writeFile(
    recipe,
    [
      `base: ${join(root, 'base')}`,
      'method: ties',
      'parameters: { lambda: 1.0, density: 0.2 }',
      'experts:',
      `  - { path: ${join(root, 'de.delta.safetensors')}, name: de }`,
      `  - { path: ${join(root, 'fr.safetensors')}, weight: 1.0, parameters: { density: 0.3 } }`,
      'output: { dtype: float16 }',
    ].join('\n'),
  );
  const out = join(root, 'merged');
  await program().parseAsync(
    ['merge', recipe, '--out', out, '--threads', '1', '--pathways', '--no-progress'],
    { from: 'user' },
  );
  const files = await readdir(out);
  for (const f of ['model.safetensors', 'config.json', 'merge-recipe.json', 'provenance.json', 'pathways'])
    assert.ok(files.includes(f), f);
  assert.deepEqual((await readdir(join(out, 'pathways'))).sort(), [
    'de.mask.safetensors',
    'fr.mask.safetensors',
    'index.json',
  ]);
});

test('chorus merge refuses an invalid recipe with MERGE_RECIPE_INVALID', async () => {
  const recipe = join(root, 'bad.json');
  await writeFile(recipe, JSON.stringify({ base: 'x', method: 'nope', experts: [{ path: 'y' }] }));
  await assert.rejects(
    program().parseAsync(['merge', recipe, '--out', join(root, 'never')], { from: 'user' }),
    {
      code: 'MERGE_RECIPE_INVALID',
    },
  );
});
