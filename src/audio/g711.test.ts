import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALAW_TO_FLOAT, MULAW_TO_FLOAT, alawToLinear16, mulawToLinear16 } from './g711.js';

const tables = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../test/fixtures/audio/g711-tables.json'), 'utf8'),
) as { mulaw: number[]; alaw: number[] };

test('mulawToLinear16() and alawToLinear16() match CPython audioop for all 256 codes', () => {
  for (let b = 0; b < 256; b++) {
    assert.equal(mulawToLinear16(b), tables.mulaw[b], `µ-law 0x${b.toString(16)}`);
    assert.equal(alawToLinear16(b), tables.alaw[b], `A-law 0x${b.toString(16)}`);
    assert.equal(MULAW_TO_FLOAT[b], Math.fround(tables.mulaw[b] / 32768));
    assert.equal(ALAW_TO_FLOAT[b], Math.fround(tables.alaw[b] / 32768));
  }
});
