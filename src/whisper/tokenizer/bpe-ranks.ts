/**
 * The mergeable ranks of a byte-level BPE vocabulary (tiktoken's model): token bytes → rank,
 * where the rank is also the token id. Keys are "binary strings" (one char per byte, 0–255) so
 * a JS `Map` can look byte sequences up without allocation-heavy encodings.
 * ref: openai/whisper whisper/tokenizer.py@c0d2f62 (`get_encoding`).
 */
export class BpeRanks {
  readonly #byKey: Map<string, number>;
  readonly #bytesById: readonly Uint8Array[];

  /** `tokenBytes[id]` are the bytes of token `id`; ids must be dense 0..n-1. */
  constructor(tokenBytes: readonly Uint8Array[]) {
    this.#bytesById = tokenBytes;
    this.#byKey = new Map();
    for (let id = 0; id < tokenBytes.length; id++) this.#byKey.set(binaryKey(tokenBytes[id]), id);
  }

  /** Number of ranks (= the id of `<|endoftext|>` in Whisper vocabularies). */
  get size(): number {
    return this.#bytesById.length;
  }

  /** Rank of a binary-string key, or `undefined`. */
  rankOfKey(key: string): number | undefined {
    return this.#byKey.get(key);
  }

  /** Bytes of token `id` (a shared view: do not mutate). */
  bytesOf(id: number): Uint8Array {
    return this.#bytesById[id];
  }
}

/** The binary-string key of `bytes` (char code = byte value). */
export function binaryKey(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
