import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WEIGHT_TYPES } from '../../whisper/index.js';
import { WEIGHT_TYPE_CHOICES } from './weight-type-choices.js';

test("WEIGHT_TYPE_CHOICES lists the whisper layer's WEIGHT_TYPES, in the same order", () => {
  assert.deepEqual(WEIGHT_TYPE_CHOICES, WEIGHT_TYPES);
});
