import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, ERROR_CODES, isAppError } from './errors.js';

test('AppError carries its code and cause', () => {
  const cause = new Error('inner');
  const e = new AppError('AUDIO_MALFORMED', 'Cannot decode WAV: truncated', { cause });
  assert.equal(e.code, 'AUDIO_MALFORMED');
  assert.equal(e.cause, cause);
  assert.ok(isAppError(e, 'AUDIO_MALFORMED'));
  assert.ok(!isAppError(e, 'INTERNAL'));
  assert.ok(!isAppError(new Error('x')));
});

test('ERROR_CODES has no duplicates', () => {
  assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
});
