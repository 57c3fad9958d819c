import { createHash } from 'node:crypto';
import type { TensorInfo } from './safetensors-header.js';

/** Something that can stream a tensor's stored bytes (SafetensorsFile, SafetensorsCollection). */
export interface RawTensorReader {
  info(name: string): TensorInfo;
  readRawChunks(name: string, chunkBytes?: number): AsyncGenerator<Uint8Array>;
}

/**
 * sha256 (hex) of one tensor: a line `<dtype>:<dim,dim,…>\n` then its stored bytes, so equal
 * bytes under a different dtype or shape give a different digest. Streams in chunks: memory
 * stays bounded however large the tensor.
 * @throws AppError `CHECKPOINT_INVALID` when the tensor is missing or the file is truncated.
 */
export async function digestTensor(reader: RawTensorReader, name: string): Promise<string> {
  const info = reader.info(name);
  const hash = createHash('sha256');
  hash.update(`${info.dtype}:${info.shape.join(',')}\n`);
  for await (const chunk of reader.readRawChunks(name)) hash.update(chunk);
  return hash.digest('hex');
}

/** JSON with object keys sorted at every level, for hashing parsed JSON independent of key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    const parts: string[] = [];
    for (const k of keys) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 (hex) over `kind`, a canonical JSON document and the (name, digest) pairs sorted by name. */
export function combineDigests(
  kind: string,
  json: unknown,
  tensorDigests: ReadonlyMap<string, string>,
): string {
  const hash = createHash('sha256');
  hash.update(`chorus-digest-v1\n${kind}\n${canonicalJson(json)}\n`);
  for (const name of [...tensorDigests.keys()].sort()) hash.update(`${name}\t${tensorDigests.get(name)}\n`);
  return hash.digest('hex');
}
