// Lint rules, including the layer boundaries of CONVENTIONS.md §1: imports point down only,
// and a layer is imported only through its index.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const LAYERS = [
  'shared',
  'audio',
  'checkpoint',
  'whisper',
  'eval',
  'merge',
  'metrics',
  'serving',
  'transport',
  'config',
  'cli',
];
/** What each layer may import (besides itself). */
const ALLOWED = {
  shared: [],
  audio: ['shared'],
  checkpoint: ['shared'],
  whisper: ['shared', 'audio', 'checkpoint'],
  eval: ['shared', 'audio', 'checkpoint', 'whisper'],
  merge: ['shared', 'checkpoint'],
  metrics: ['shared'],
  serving: ['shared', 'audio', 'checkpoint', 'whisper', 'merge', 'eval', 'metrics'],
  transport: ['shared', 'audio', 'whisper', 'serving', 'metrics', 'merge'],
  config: ['shared'],
  cli: LAYERS,
};

const boundaryBlocks = LAYERS.map((layer) => {
  const patterns = [];
  for (const other of LAYERS) {
    if (other === layer) continue;
    if (ALLOWED[layer].includes(other)) {
      patterns.push({
        group: [`**/${other}/**`, `!**/${other}/index.js`],
        message: `Import the ${other} layer only through its index.ts (CONVENTIONS.md §2).`,
      });
    } else {
      patterns.push({
        group: [`**/${other}/**`, `**/${other}`],
        message: `The ${layer} layer must not import ${other} (CONVENTIONS.md §1).`,
      });
    }
  }
  return {
    files: [`src/${layer}/**/*.ts`],
    ignores: [`src/${layer}/**/*.test.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'src/**/generated/**', 'models/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.mjs', '*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' },
    },
  },
  ...boundaryBlocks,
);
