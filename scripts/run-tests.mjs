#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node:test through tsx. Node 20's --test has no
// glob support (added in Node 21), so the file list is built here. fast-check-seed.mjs fixes the
// property tests' seed (FC_SEED overrides it). The tests get the huge-page tunable as `chorus` does
// (bin/huge-pages.mjs).
// Usage: node scripts/run-tests.mjs [path-filter ...]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { URL } from 'node:url';
import { currentHost, hugePageRelaunchEnv } from '../bin/huge-pages.mjs';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = ['src', 'test']
  .flatMap((d) => walk(d, []))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('No test files matched');
  process.exit(1);
}
const seed = new URL('./fast-check-seed.mjs', import.meta.url).href;
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--import', seed, '--test', '--test-reporter=spec', ...files],
  {
    stdio: 'inherit',
    // the tests run the way `chorus` runs: with huge pages for large buffers where they pay
    env: hugePageRelaunchEnv(process.env, currentHost) ?? process.env,
  },
);
process.exit(res.status ?? 1);
