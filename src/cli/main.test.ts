import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { test } from 'node:test';
import { buildProgram } from './main.js';

const require = createRequire(import.meta.url);
/** CommonJS packages that only the command implementations load (ONNX Runtime's native binding, the progress bar). */
const IMPLEMENTATION_PACKAGES = ['onnxruntime-node', 'cli-progress'];

test('buildProgram() declares every command and renders its help without loading the command implementations', () => {
  const program = buildProgram();
  assert.deepEqual(
    program.commands.map((c) => c.name()),
    ['eval', 'export', 'merge', 'transcribe', 'translate'],
  );
  for (const command of program.commands) assert.match(command.helpInformation(), /^Usage: chorus /);
  const loaded = Object.keys(require.cache).filter((path) =>
    IMPLEMENTATION_PACKAGES.some((name) => path.includes(`${sep}node_modules${sep}${name}${sep}`)),
  );
  assert.deepEqual(loaded, []);
});
