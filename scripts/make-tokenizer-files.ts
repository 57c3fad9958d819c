/**
 * Writes the Hugging Face tokenizer files of Whisper's multilingual vocabulary into
 * `models/tokenizer/` (copied into every shipped model folder), plus the tiktoken ranks and
 * openai/whisper's MIT licence note.
 * Usage: npx tsx scripts/make-tokenizer-files.ts [--vocab-size 51865] [--out models/tokenizer]
 *        [--assets /work/shared/whisper-assets]
 */
import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WhisperTokenizer, hfTokenizerFiles, parseTiktoken } from '../src/whisper/index.js';

const { values } = parseArgs({
  options: {
    'vocab-size': { type: 'string', default: '51865' },
    out: { type: 'string', default: 'models/tokenizer' },
    assets: { type: 'string', default: '/work/shared/whisper-assets' },
  },
});
const vocabSize = Number(values['vocab-size']);
const ranksFile = vocabSize >= 51_865 ? 'multilingual.tiktoken' : 'gpt2.tiktoken';
const assets = values.assets;
const out = values.out;

const ranks = parseTiktoken(await readFile(join(assets, ranksFile), 'utf8'), ranksFile);
const tokenizer = new WhisperTokenizer(ranks, vocabSize);
const files = hfTokenizerFiles(tokenizer, await readFile(join(assets, 'english.json'), 'utf8'));
await mkdir(out, { recursive: true });
for (const [name, contents] of Object.entries(files)) await writeFile(join(out, name), contents);
for (const name of ['multilingual.tiktoken', 'gpt2.tiktoken']) {
  await copyFile(join(assets, name), join(out, name));
  await chmod(join(out, name), 0o644);
}
const readme = await readFile(join(assets, 'README.md'), 'utf8');
const licence = readme.slice(readme.indexOf('## License'));
await writeFile(
  join(out, 'LICENSE-openai-whisper.md'),
  '# openai/whisper tokenizer assets\n\n`multilingual.tiktoken`, `gpt2.tiktoken` and `normalizer.json` (= `english.json`) are\n' +
    'copied verbatim from openai/whisper@c0d2f624c09dc18e709e37c2ad90c039a4eb72a2 (`whisper/assets/`,\n' +
    '`whisper/normalizers/english.json`). The other files here are derived from them by\n' +
    '`scripts/make-tokenizer-files.ts`.\n\n' +
    licence,
);
process.stdout.write(`wrote ${Object.keys(files).length + 3} files to ${out} (vocab_size ${vocabSize})\n`);
