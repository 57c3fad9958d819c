import { AppError } from '../../shared/index.js';
import { bpeEncodePieceInto } from './bpe-encode.js';
import type { BpeRanks } from './bpe-ranks.js';
import { preTokenize } from './pre-tokenize.js';
import {
  specialTokenNames,
  timestampTokenName,
  whisperSpecialTokens,
  type WhisperSpecialTokens,
} from './special-tokens.js';
import { WHISPER_LANGUAGES, toLanguageCode } from './whisper-languages.js';

/** Whisper transcription tasks (the `<|transcribe|>` / `<|translate|>` token). */
export type WhisperTask = 'transcribe' | 'translate';

/**
 * Whisper's tokenizer: byte-level BPE over tiktoken ranks (rank = id) plus the special tokens
 * derived from the model's `vocab_size` (reference §3).
 * ref: openai/whisper whisper/tokenizer.py@c0d2f62 (`Tokenizer`).
 */
export class WhisperTokenizer {
  /** Special-token ids of this vocabulary. */
  readonly special: WhisperSpecialTokens;
  readonly #ranks: BpeRanks;
  readonly #specialNames: readonly string[];
  readonly #utf8 = new TextEncoder();
  readonly #textDecoder = new TextDecoder('utf-8', { fatal: false });
  #nonSpeech: readonly number[] | undefined;

  /**
   * @throws AppError TOKENIZER_INVALID when the ranks do not fit the vocabulary size (the rank
   *   count must equal the `<|endoftext|>` id and every single byte must be a token).
   */
  constructor(ranks: BpeRanks, vocabSize: number) {
    this.special = whisperSpecialTokens(vocabSize);
    if (ranks.size !== this.special.eot) {
      throw new AppError(
        'TOKENIZER_INVALID',
        `Cannot build the Whisper tokenizer: ${ranks.size} BPE ranks, vocab_size ${vocabSize} needs ${this.special.eot}`,
      );
    }
    for (let b = 0; b < 256; b++) {
      if (ranks.rankOfKey(String.fromCharCode(b)) === undefined) {
        throw new AppError('TOKENIZER_INVALID', `Cannot build the Whisper tokenizer: byte ${b} has no token`);
      }
    }
    this.#ranks = ranks;
    this.#specialNames = specialTokenNames(this.special);
  }

  /** Vocabulary size (ranks + specials + timestamps). */
  get vocabSize(): number {
    return this.special.vocabSize;
  }

  /** The BPE ranks (for writing HF tokenizer files). */
  get ranks(): BpeRanks {
    return this.#ranks;
  }

  /**
   * Token ids of plain text. Special-token names in `text` are encoded as ordinary text (user
   * text can never inject control tokens).
   */
  encode(text: string): number[] {
    const out: number[] = [];
    for (const piece of preTokenize(text)) bpeEncodePieceInto(out, this.#ranks, this.#utf8.encode(piece));
    return out;
  }

  /** Prompt tokens for previous-context text: `[<|startofprev|>] + encode(" " + text.trim())`. */
  encodePrompt(text: string): number[] {
    return [this.special.startOfPrev, ...this.encode(' ' + text.trim())];
  }

  /**
   * Text of `ids`: timestamp tokens are dropped, other specials appear by name, invalid UTF-8 is
   * replaced by U+FFFD. Not trimmed (openai `Tokenizer.decode`).
   */
  decode(ids: ArrayLike<number>): string {
    return this.#textDecoder.decode(this.#bytesOf(ids, false));
  }

  /** Like `decode`, but timestamps appear as `<|1.00|>` (for display). */
  decodeWithTimestamps(ids: ArrayLike<number>): string {
    let out = '';
    let run: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id >= this.special.timestampBegin) {
        out += this.decode(run) + timestampTokenName(id - this.special.timestampBegin);
        run = [];
      } else run.push(id);
    }
    return out + this.decode(run);
  }

  /** UTF-8 bytes of one token (specials by name, timestamps empty). */
  tokenBytes(id: number): Uint8Array {
    return this.#bytesOf([id], false);
  }

  /** Name or byte string of one token, for debugging and display. */
  tokenName(id: number): string {
    if (id >= this.special.timestampBegin) return timestampTokenName(id - this.special.timestampBegin);
    return this.decode([id]);
  }

  /** Codes of the languages this vocabulary has tokens for, in token order. */
  get languageCodes(): string[] {
    return WHISPER_LANGUAGES.slice(0, this.special.numLanguages).map(([code]) => code);
  }

  /**
   * Token id of a language given by code, English name or alias.
   * @throws AppError REQUEST_INVALID for an unknown language or one this vocabulary lacks.
   */
  languageToken(language: string): number {
    const code = toLanguageCode(language);
    const index = code === undefined ? -1 : WHISPER_LANGUAGES.findIndex(([c]) => c === code);
    if (index < 0 || index >= this.special.numLanguages) {
      throw new AppError('REQUEST_INVALID', `Cannot use language "${language}": not supported by this model`);
    }
    return this.special.firstLanguage + index;
  }

  /** Language code of a language token id, or `undefined`. */
  languageOfToken(id: number): string | undefined {
    const i = id - this.special.firstLanguage;
    return i >= 0 && i < this.special.numLanguages ? WHISPER_LANGUAGES[i][0] : undefined;
  }

  /** Token of a task. */
  taskToken(task: WhisperTask): number {
    return task === 'translate' ? this.special.translate : this.special.transcribe;
  }

  /**
   * Tokens of symbols that are not speech (brackets, music notes, …), suppressed by default.
   * ref: openai/whisper whisper/tokenizer.py@c0d2f62 (`non_speech_tokens`).
   */
  get nonSpeechTokens(): readonly number[] {
    if (this.#nonSpeech === undefined) {
      const symbols = [...'"#()*+/:;<=>@[\\]^_`{|}~「」『』'];
      symbols.push(...'<< >> <<< >>> -- --- -( -[ (\' (" (( )) ((( ))) [[ ]] {{ }} ♪♪ ♪♪♪'.split(' '));
      const miscellaneous = [...'♩♪♫♬♭♮♯'];
      const result = new Set<number>([this.encode(' -')[0], this.encode(" '")[0]]);
      for (const symbol of [...symbols, ...miscellaneous]) {
        for (const tokens of [this.encode(symbol), this.encode(' ' + symbol)]) {
          if (tokens.length === 1 || miscellaneous.includes(symbol)) result.add(tokens[0]);
        }
      }
      this.#nonSpeech = [...result].sort((a, b) => a - b);
    }
    return this.#nonSpeech;
  }

  #bytesOf(ids: ArrayLike<number>, keepTimestamps: boolean): Uint8Array {
    const parts: Uint8Array[] = [];
    let length = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      let bytes: Uint8Array;
      if (id >= 0 && id < this.special.eot) bytes = this.#ranks.bytesOf(id);
      else if (id >= this.special.eot && id < this.special.timestampBegin) {
        bytes = this.#utf8.encode(this.#specialNames[id - this.special.eot]);
      } else if (keepTimestamps && id >= this.special.timestampBegin && id < this.special.vocabSize) {
        bytes = this.#utf8.encode(timestampTokenName(id - this.special.timestampBegin));
      } else continue;
      parts.push(bytes);
      length += bytes.length;
    }
    const out = new Uint8Array(length);
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }
}
