/**
 * GPT-2's reversible byte ↔ printable-unicode map used by Hugging Face byte-level BPE files
 * (`vocab.json`, `merges.txt`, `tokenizer.json`): printable Latin-1 bytes map to themselves,
 * the other 68 bytes to U+0100… in byte order.
 * ref: huggingface/transformers tokenization_whisper.py@c1ce66a (`bytes_to_unicode`).
 */
function buildByteToUnicode(): readonly string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const isPrintable = new Set(printable);
  const out = new Array<string>(256);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (isPrintable.has(b)) out[b] = String.fromCharCode(b);
    else out[b] = String.fromCharCode(256 + next++);
  }
  return out;
}

/** `BYTE_TO_UNICODE[b]` is the one-character string that stands for byte `b`. */
export const BYTE_TO_UNICODE: readonly string[] = buildByteToUnicode();

const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_UNICODE.map((c, b) => [c, b]));

/** Byte-level string of `bytes` (the form HF files store tokens in). */
export function bytesToByteLevel(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_UNICODE[bytes[i]];
  return s;
}

/** Bytes of a byte-level string, or `undefined` when it holds a character outside the map. */
export function byteLevelToBytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const b = UNICODE_TO_BYTE.get(text[i]);
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}
