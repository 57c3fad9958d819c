import type { TensorKind } from './methods/merge-method.js';

// Embedding tables by Hugging Face and openai-whisper names (merging.md §0.2): token embeddings
// (tied to the output projection) and positional tables, which are huge or frozen.
const EMBEDDING_NAME =
  /(^|\.)(embed_tokens|embed_positions|token_embedding|positional_embedding|proj_out)(\.|$)/;

/**
 * Classifies a tensor by name and shape: `embedding` for token/positional tables and the tied
 * output projection, `conv` for ≥ 3-D weights (Whisper's conv1/conv2 `[d, c, 3]`), `matrix` for
 * other 2-D tensors (`Linear.weight` `[out, in]`), `vector` for 1-D and scalars.
 */
export function classifyTensor(name: string, shape: readonly number[]): TensorKind {
  if (EMBEDDING_NAME.test(name)) return 'embedding';
  if (shape.length >= 3) return 'conv';
  if (shape.length === 2) return 'matrix';
  return 'vector';
}
