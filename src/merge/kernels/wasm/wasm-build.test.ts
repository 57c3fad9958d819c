import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { wasmBase64 } from './task-arithmetic.wasm.js';
import { wasmBase64 as finiteScanBase64 } from '../../../shared/wasm/finite-scan.wasm.js';

function hasWat2wasm(): boolean {
  try {
    execFileSync('wat2wasm', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// The committed module must be what its .wat source compiles to (scripts/build-wasm.mjs --check).
// .ci/run installs wabt, so CI always runs this; elsewhere it is skipped without wat2wasm.
test(
  'the committed WebAssembly modules match their .wat sources',
  { skip: hasWat2wasm() ? false : 'wat2wasm (Debian package wabt) is not installed' },
  () => {
    const script = new URL('../../../../scripts/build-wasm.mjs', import.meta.url);
    execFileSync(process.execPath, [script.pathname, '--check'], { stdio: ['ignore', 'pipe', 'pipe'] });
  },
);

test('the task-arithmetic module validates and exports its kernels and memory', () => {
  const bytes = Buffer.from(wasmBase64, 'base64');
  assert.ok(WebAssembly.validate(bytes));
  const names = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
  assert.deepEqual(names.sort(), ['bracketCount', 'consensus', 'memory', 'weightedSum']);
  assert.match(readFileSync(new URL('./task-arithmetic.wat', import.meta.url), 'utf8'), /\(module/);
});

test('the finite-scan module validates and exports its scan and memory', () => {
  const bytes = Buffer.from(finiteScanBase64, 'base64');
  assert.ok(WebAssembly.validate(bytes));
  const names = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
  assert.deepEqual(names.sort(), ['anyNonFinite', 'memory']);
});
