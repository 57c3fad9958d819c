/**
 * Evaluation manifests: JSON Lines, one utterance per line, as shipped in `models/eval/{test,dev}`:
 * `{"audio": "audio/de-numbers-000.wav", "text": …, "translation": …, "language": "de",
 * "domain": "numbers", "duration_sec": 2.4}`; `audio` is relative to the manifest's folder.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { AppError } from '../shared/index.js';

/** One utterance of a manifest, with its audio path resolved. */
export interface ManifestEntry {
  /** `<manifest file name>:<line>` of its first occurrence, or the line's own `id`. */
  readonly id: string;
  /** Absolute path of the audio file. */
  readonly audioPath: string;
  /** The `audio` field as written (relative to the manifest's folder). */
  readonly audio: string;
  /** Reference transcript in the spoken language. */
  readonly text: string;
  /** Reference English translation, when the manifest has one. */
  readonly translation?: string;
  /** ISO 639-1 code of the spoken language. */
  readonly language?: string;
  readonly domain?: string;
  readonly durationSec?: number;
}

// Unknown keys (corpus_index, segments, …) are allowed and dropped.
const LineSchema = z.object({
  id: z.string().min(1).optional(),
  audio: z.string().min(1),
  text: z.string(),
  translation: z.string().optional(),
  language: z.string().min(1).optional(),
  domain: z.string().min(1).optional(),
  duration_sec: z.number().nonnegative().optional(),
});

/** Parses one manifest file's text; `file` names it in ids and errors. @throws AppError REQUEST_INVALID */
export function parseManifest(jsonl: string, file: string): ManifestEntry[] {
  const folder = dirname(resolve(file));
  const entries: ManifestEntry[] = [];
  const lines = jsonl.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new AppError('REQUEST_INVALID', `Cannot read manifest ${file}:${i + 1}: not JSON`, { cause: e });
    }
    const parsed = LineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError(
        'REQUEST_INVALID',
        `Cannot read manifest ${file}:${i + 1}: ${issue.path.join('.') || 'line'}: ${issue.message}`,
      );
    }
    const p = parsed.data;
    entries.push({
      id: p.id ?? `${basename(file)}:${i + 1}`,
      audioPath: resolve(folder, p.audio),
      audio: p.audio,
      text: p.text,
      ...(p.translation !== undefined ? { translation: p.translation } : {}),
      ...(p.language !== undefined ? { language: p.language } : {}),
      ...(p.domain !== undefined ? { domain: p.domain } : {}),
      ...(p.duration_sec !== undefined ? { durationSec: p.duration_sec } : {}),
    });
  }
  return entries;
}

/**
 * Reads a manifest file, or every `*.jsonl` file of a folder (sorted by name). Utterances listed
 * in several files (the shipped sets have `all.jsonl` plus per-language and per-domain subsets)
 * are kept once, by resolved audio path, at their first occurrence.
 * @throws AppError REQUEST_INVALID when the path is missing, holds no `.jsonl` file, or a line is invalid
 */
export async function readManifest(path: string): Promise<ManifestEntry[]> {
  let files: string[];
  try {
    const info = await stat(path);
    files = info.isDirectory()
      ? (await readdir(path))
          .filter((name) => extname(name) === '.jsonl')
          .sort()
          .map((name) => join(path, name))
      : [path];
  } catch (e) {
    throw new AppError('REQUEST_INVALID', `Cannot read manifest ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (files.length === 0)
    throw new AppError('REQUEST_INVALID', `Cannot read manifest ${path}: no .jsonl file`);
  const seen = new Set<string>();
  const entries: ManifestEntry[] = [];
  for (const file of files) {
    for (const entry of parseManifest(await readFile(file, 'utf8'), file)) {
      if (seen.has(entry.audioPath)) continue;
      seen.add(entry.audioPath);
      entries.push(entry);
    }
  }
  return entries;
}
