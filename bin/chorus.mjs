#!/usr/bin/env node
// The `chorus` command. Runs the compiled CLI from dist/ when it exists (npm run build),
// otherwise the TypeScript sources through tsx (a clone with dev dependencies installed).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { relaunchWithHugePages } from './huge-pages.mjs';

// The commands that move large tensors run with huge pages (see huge-pages.mjs); the call returns
// only when this process is the one to run. Help (`chorus merge --help`) and the other commands do
// not pay the second process start (~0.2 s).
const HEAVY_COMMANDS = new Set(['transcribe', 'translate', 'eval', 'merge', 'export']);
const args = process.argv.slice(2);
const isHelp = args.some((arg) => arg === '--help' || arg === '-h');
if (!isHelp && args.some((arg) => HEAVY_COMMANDS.has(arg))) await relaunchWithHugePages();

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (existsSync(compiled)) {
  const { main } = await import(pathToFileURL(compiled).href);
  await main(args);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import(new URL('../src/cli/main.ts', import.meta.url).href);
  await main(args);
}
