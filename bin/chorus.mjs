#!/usr/bin/env node
// The `chorus` command. Runs the compiled CLI from dist/ when it exists (npm run build),
// otherwise the TypeScript sources through tsx (a clone with dev dependencies installed).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { relaunchWithHugePages } from './huge-pages.mjs';

// Returns only when this process is the one to run (see huge-pages.mjs).
await relaunchWithHugePages();

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (existsSync(compiled)) {
  const { main } = await import(pathToFileURL(compiled).href);
  await main(process.argv.slice(2));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import(new URL('../src/cli/main.ts', import.meta.url).href);
  await main(process.argv.slice(2));
}
