/**
 * GPT-2 / Whisper pre-tokenizer: splits text into the pieces BPE runs on. Case-sensitive, as
 * upstream ("'LL" is not a contraction piece).
 * ref: openai/whisper whisper/tokenizer.py@c0d2f62 (`pat_str`); identical to HF ByteLevel's regex.
 */
const PIECE_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** The pre-tokenizer pieces of `text`, in order; their concatenation is `text`. */
export function preTokenize(text: string): string[] {
  return text.match(PIECE_PATTERN) ?? [];
}
