import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../shared/index.js';
import { byteLevelToBytes } from './byte-level-unicode.js';
import { BpeRanks } from './bpe-ranks.js';
import { parseTiktoken } from './parse-tiktoken.js';
import { specialTokenNames, timestampTokenName, whisperSpecialTokens } from './special-tokens.js';
import { WhisperTokenizer } from './whisper-tokenizer.js';

/** Reads a `.tiktoken` ranks file into a tokenizer for `vocabSize`. @throws AppError TOKENIZER_INVALID */
export async function loadTiktokenTokenizer(path: string, vocabSize: number): Promise<WhisperTokenizer> {
  return new WhisperTokenizer(parseTiktoken(await readText(path), path), vocabSize);
}

/**
 * Loads the tokenizer of a Hugging Face Whisper checkpoint folder: `tokenizer.json`
 * (`model.vocab`) or else `vocab.json`; byte-level strings are mapped back to bytes and the id is
 * the rank (HF's files are derived from tiktoken ranks, reference §3.3). Added tokens
 * (`tokenizer.json` `added_tokens` or `added_tokens.json`), when present, must agree with the
 * layout derived from `vocabSize`.
 * @throws AppError TOKENIZER_INVALID naming the missing or corrupt file.
 */
export async function loadHfTokenizer(dir: string, vocabSize: number): Promise<WhisperTokenizer> {
  const special = whisperSpecialTokens(vocabSize);
  let vocab: Record<string, unknown>;
  let vocabFile = join(dir, 'tokenizer.json');
  const added = new Map<string, number>();
  const tokenizerJson = await readJsonIfExists(vocabFile);
  if (tokenizerJson !== undefined) {
    const model = isRecord(tokenizerJson) ? tokenizerJson.model : undefined;
    if (!isRecord(model) || !isRecord(model.vocab)) {
      throw new AppError('TOKENIZER_INVALID', `Cannot load tokenizer ${vocabFile}: no model.vocab object`);
    }
    vocab = model.vocab;
    const list = isRecord(tokenizerJson) ? tokenizerJson.added_tokens : undefined;
    if (Array.isArray(list)) {
      for (const t of list) {
        if (isRecord(t) && typeof t.content === 'string' && typeof t.id === 'number')
          added.set(t.content, t.id);
      }
    }
  } else {
    vocabFile = join(dir, 'vocab.json');
    const json = await readJsonIfExists(vocabFile);
    if (json === undefined) {
      throw new AppError(
        'TOKENIZER_INVALID',
        `Cannot load tokenizer from ${dir}: neither tokenizer.json nor vocab.json exists`,
      );
    }
    if (!isRecord(json))
      throw new AppError('TOKENIZER_INVALID', `Cannot load tokenizer ${vocabFile}: not a JSON object`);
    vocab = json;
    const addedFile = join(dir, 'added_tokens.json');
    const addedJson = await readJsonIfExists(addedFile);
    if (isRecord(addedJson)) {
      for (const [k, v] of Object.entries(addedJson)) if (typeof v === 'number') added.set(k, v);
    }
  }
  const tokens = new Array<Uint8Array | undefined>(special.eot).fill(undefined);
  for (const [text, id] of Object.entries(vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      throw new AppError(
        'TOKENIZER_INVALID',
        `Cannot load tokenizer ${vocabFile}: id of ${JSON.stringify(text)} is not an integer`,
      );
    }
    if (id < 0 || id >= special.eot) continue; // specials may also sit in the vocab; they are derived
    const bytes = byteLevelToBytes(text);
    if (bytes === undefined) {
      throw new AppError(
        'TOKENIZER_INVALID',
        `Cannot load tokenizer ${vocabFile}: token ${id} is not byte-level BPE`,
      );
    }
    tokens[id] = bytes;
  }
  // The multilingual vocabulary's last rank is the empty byte string; HF files may omit it.
  const missing = tokens.reduce((n, t) => n + (t === undefined ? 1 : 0), 0);
  if (missing > 1) {
    throw new AppError(
      'TOKENIZER_INVALID',
      `Cannot load tokenizer ${vocabFile}: ${missing} of ${special.eot} BPE ids are missing (vocab_size ${vocabSize})`,
    );
  }
  checkAddedTokens(added, vocabSize, vocabFile);
  return new WhisperTokenizer(new BpeRanks(tokens.map((t) => t ?? new Uint8Array(0))), vocabSize);
}

/** Added tokens that name a Whisper special must have the id the vocabulary size implies. */
function checkAddedTokens(added: ReadonlyMap<string, number>, vocabSize: number, file: string): void {
  const special = whisperSpecialTokens(vocabSize);
  const expected = new Map<string, number>();
  specialTokenNames(special).forEach((name, i) => expected.set(name, special.eot + i));
  expected.set('<|nocaptions|>', special.noSpeech); // HF's pre-v3 name of <|nospeech|>
  for (let i = 0; i < 1501; i++) expected.set(timestampTokenName(i), special.timestampBegin + i);
  for (const [name, id] of added) {
    const want = expected.get(name);
    if (want !== undefined && want !== id) {
      throw new AppError(
        'TOKENIZER_INVALID',
        `Cannot load tokenizer ${file}: ${name} has id ${id}, but vocab_size ${vocabSize} puts it at ${want}`,
      );
    }
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new AppError('TOKENIZER_INVALID', `Cannot read tokenizer file ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

async function readJsonIfExists(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('TOKENIZER_INVALID', `Cannot read tokenizer file ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new AppError('TOKENIZER_INVALID', `Cannot parse tokenizer file ${path}: invalid JSON`, {
      cause: e,
    });
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
