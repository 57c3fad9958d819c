import { deflate } from 'pako';

/**
 * `len(utf8(text)) / len(zlib.compress(utf8(text)))` with Python's default zlib level (6); pako
 * reproduces Python's zlib byte counts where Node's bundled zlib differs (reference §4.7).
 * Used by the temperature fallback (threshold 2.4: repetitive output compresses well).
 * ref: openai/whisper whisper/utils.py@c0d2f62 (`compression_ratio`).
 */
export function compressionRatio(text: string): number {
  const bytes = new TextEncoder().encode(text);
  return bytes.length / deflate(bytes, { level: 6 }).length;
}
