import { AppError } from '../../shared/index.js';
import { BpeRanks } from './bpe-ranks.js';

/**
 * Parses a `.tiktoken` ranks file: one `base64(token bytes) rank` per line, ranks dense from 0.
 * The multilingual file's last line is `= 50256` (empty bytes); it parses to an empty token.
 * @param source file name for error messages.
 * @throws AppError TOKENIZER_INVALID naming `source` for a malformed line or a rank gap.
 */
export function parseTiktoken(text: string, source: string): BpeRanks {
  const tokens: Uint8Array[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const [b64, rankText, extra] = line.split(' ');
    const rank = Number(rankText);
    if (
      extra !== undefined ||
      b64 === undefined ||
      !/^[A-Za-z0-9+/]*=*$/.test(b64) ||
      !Number.isInteger(rank)
    ) {
      throw new AppError('TOKENIZER_INVALID', `Cannot parse ${source}: line ${i + 1} is not "base64 rank"`);
    }
    if (rank !== tokens.length) {
      throw new AppError(
        'TOKENIZER_INVALID',
        `Cannot parse ${source}: line ${i + 1} has rank ${rank}, expected ${tokens.length}`,
      );
    }
    tokens.push(new Uint8Array(Buffer.from(b64, 'base64')));
  }
  if (tokens.length === 0) throw new AppError('TOKENIZER_INVALID', `Cannot parse ${source}: no ranks`);
  return new BpeRanks(tokens);
}
