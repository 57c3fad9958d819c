import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PATHWAY_LAMBDA } from '../../merge/index.js';
import { HELP_PATHWAY_LAMBDA } from './merge-command.js';

test("HELP_PATHWAY_LAMBDA is the merge layer's DEFAULT_PATHWAY_LAMBDA", () => {
  assert.equal(HELP_PATHWAY_LAMBDA, DEFAULT_PATHWAY_LAMBDA);
});
