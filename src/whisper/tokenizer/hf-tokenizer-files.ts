import { bpeMergeParts } from './bpe-encode.js';
import { bytesToByteLevel } from './byte-level-unicode.js';
import { TIMESTAMP_TOKEN_COUNT, specialTokenNames, timestampTokenName } from './special-tokens.js';
import type { WhisperTokenizer } from './whisper-tokenizer.js';

/** File name → contents of a Hugging Face Whisper tokenizer folder. */
export type HfTokenizerFiles = Readonly<Record<string, string>>;

/**
 * The HF tokenizer files for a Whisper vocabulary, derived from the tiktoken ranks the way HF's
 * converter does: `vocab.json` maps the byte-level string of each rank to the rank; a merge is
 * emitted for every multi-byte token whose BPE limited to lower ranks ends in exactly two parts;
 * specials are `special: true` added tokens, timestamps non-special added tokens.
 * ref: huggingface/transformers convert_openai_to_hf.py@37b5946 (`convert_tiktoken_bpe_to_hf`,
 * `convert_tiktoken_to_hf`); reference §3.3.
 * @param normalizerJson contents for `normalizer.json` (openai's english.json spelling map).
 */
export function hfTokenizerFiles(tokenizer: WhisperTokenizer, normalizerJson: string): HfTokenizerFiles {
  const { special } = tokenizer;
  const ranks = tokenizer.ranks;
  const vocab: Record<string, number> = {};
  const merges: string[] = [];
  for (let id = 0; id < ranks.size; id++) {
    const bytes = ranks.bytesOf(id);
    vocab[bytesToByteLevel(bytes)] = id;
    if (bytes.length < 2) continue;
    const bounds = bpeMergeParts(ranks, bytes, id);
    if (bounds.length === 3) {
      merges.push(
        `${bytesToByteLevel(bytes.subarray(0, bounds[1]))} ${bytesToByteLevel(bytes.subarray(bounds[1]))}`,
      );
    }
  }
  const specialNames = specialTokenNames(special);
  const addedTokens = [
    ...specialNames.map((content, i) => addedToken(special.eot + i, content, true)),
    ...Array.from({ length: TIMESTAMP_TOKEN_COUNT }, (_, i) =>
      addedToken(special.timestampBegin + i, timestampTokenName(i), false),
    ),
  ];
  const addedTokensJson: Record<string, number> = {};
  for (const t of addedTokens) addedTokensJson[t.content] = t.id;

  const templateToken = (id: string) => ({ SpecialToken: { id, type_id: 0 } });
  const templateSpecial = (name: string) => ({
    id: name,
    ids: [special.eot + specialNames.indexOf(name)],
    tokens: [name],
  });
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    // As HF's Whisper files: encode() with special tokens wraps text in sot … notimestamps … eot.
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        templateToken('<|startoftranscript|>'),
        templateToken('<|notimestamps|>'),
        { Sequence: { id: 'A', type_id: 0 } },
        templateToken('<|endoftext|>'),
      ],
      pair: [
        templateToken('<|startoftranscript|>'),
        templateToken('<|notimestamps|>'),
        { Sequence: { id: 'A', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        templateToken('<|endoftext|>'),
      ],
      special_tokens: {
        '<|endoftext|>': templateSpecial('<|endoftext|>'),
        '<|notimestamps|>': templateSpecial('<|notimestamps|>'),
        '<|startoftranscript|>': templateSpecial('<|startoftranscript|>'),
      },
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
  const eot = '<|endoftext|>';
  const tokenizerConfig = {
    add_bos_token: false,
    add_prefix_space: false,
    bos_token: eot,
    eos_token: eot,
    pad_token: eot,
    unk_token: eot,
    clean_up_tokenization_spaces: true,
    errors: 'replace',
    model_max_length: 1024,
    tokenizer_class: 'WhisperTokenizer',
  };
  const specialTokensMap = {
    additional_special_tokens: specialNames.slice(1),
    bos_token: eot,
    eos_token: eot,
    pad_token: eot,
    unk_token: eot,
  };
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  return {
    'vocab.json': json(vocab),
    'merges.txt': '#version: 0.2\n' + merges.join('\n') + '\n',
    'tokenizer.json': JSON.stringify(tokenizerJson) + '\n',
    'tokenizer_config.json': json(tokenizerConfig),
    'special_tokens_map.json': json(specialTokensMap),
    'added_tokens.json': json(addedTokensJson),
    'normalizer.json': normalizerJson,
  };
}

function addedToken(id: number, content: string, isSpecial: boolean) {
  return {
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: !isSpecial,
    special: isSpecial,
  };
}
