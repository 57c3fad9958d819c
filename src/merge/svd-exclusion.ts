/**
 * Tensors kept off the SVD path by default (merging.md §0.2, consequence 3): the token embedding
 * and its tied output projection (51 865 × d: very expensive to decompose, and not a linear map
 * between hidden spaces) and the positional tables (frozen or tiny). Matched against HF names.
 */
export const DEFAULT_SVD_EXCLUDE: readonly string[] = [
  '*embed_tokens*',
  '*embed_positions*',
  'proj_out.*',
  '*token_embedding*',
  '*positional_embedding*',
];

/** Compiles glob patterns (`*` any run of characters, `?` one character; matched against the whole name). */
export function compileGlobs(patterns: readonly string[]): (name: string) => boolean {
  const regexps = patterns.map((p) => {
    let source = '';
    for (const ch of p) {
      if (ch === '*') source += '.*';
      else if (ch === '?') source += '.';
      else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${source}$`);
  });
  return (name) => regexps.some((r) => r.test(name));
}
