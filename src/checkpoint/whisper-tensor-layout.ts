import { AppError } from '../shared/index.js';

/**
 * The tensor names and shapes a Hugging Face `WhisperForConditionalGeneration` state dict has,
 * derived from raw `config.json` fields. The checkpoint layer may not import `whisper/`, so it
 * reads the few size fields it needs itself; the whisper layer parses the full config.
 * ref: /work/shared/reference/whisper.md §1.2 (names, shapes; k_proj has no bias).
 */

/** The config fields the layout depends on (HF names). */
const SIZE_FIELDS = [
  'd_model',
  'encoder_layers',
  'decoder_layers',
  'encoder_ffn_dim',
  'decoder_ffn_dim',
  'vocab_size',
  'num_mel_bins',
  'max_source_positions',
  'max_target_positions',
] as const;

type SizeField = (typeof SIZE_FIELDS)[number];

/** Encoder/decoder conv kernel width (3) in Whisper; ref: whisper.md §1.1. */
const CONV_KERNEL = 3;

/** The name of the output projection, tied to `model.decoder.embed_tokens.weight`. */
export const PROJ_OUT_NAME = 'proj_out.weight';
/** The encoder's (sinusoidal, stored) position table, [max_source_positions, d_model]. */
export const ENCODER_POSITIONS_NAME = 'model.encoder.embed_positions.weight';
/** The decoder token embedding that `proj_out.weight` falls back to. */
export const EMBED_TOKENS_NAME = 'model.decoder.embed_tokens.weight';

function readSizes(configJson: unknown, where: string): Record<SizeField, number> {
  if (typeof configJson !== 'object' || configJson === null) {
    throw new AppError('CHECKPOINT_INVALID', `Cannot read ${where}: config.json is not an object`);
  }
  const c = configJson as Record<string, unknown>;
  const out = {} as Record<SizeField, number>;
  const bad: string[] = [];
  for (const f of SIZE_FIELDS) {
    const v = c[f];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) out[f] = v;
    else bad.push(`${f}=${JSON.stringify(v)}`);
  }
  if (bad.length > 0) {
    throw new AppError(
      'CHECKPOINT_INVALID',
      `Cannot read ${where}: config.json needs positive integers for ${bad.join(', ')}`,
    );
  }
  return out;
}

function attention(out: Map<string, number[]>, prefix: string, d: number): void {
  out.set(`${prefix}.q_proj.weight`, [d, d]);
  out.set(`${prefix}.q_proj.bias`, [d]);
  out.set(`${prefix}.k_proj.weight`, [d, d]);
  out.set(`${prefix}.v_proj.weight`, [d, d]);
  out.set(`${prefix}.v_proj.bias`, [d]);
  out.set(`${prefix}.out_proj.weight`, [d, d]);
  out.set(`${prefix}.out_proj.bias`, [d]);
}

function layerNorm(out: Map<string, number[]>, prefix: string, d: number): void {
  out.set(`${prefix}.weight`, [d]);
  out.set(`${prefix}.bias`, [d]);
}

function mlp(out: Map<string, number[]>, prefix: string, d: number, ffn: number): void {
  out.set(`${prefix}.fc1.weight`, [ffn, d]);
  out.set(`${prefix}.fc1.bias`, [ffn]);
  out.set(`${prefix}.fc2.weight`, [d, ffn]);
  out.set(`${prefix}.fc2.bias`, [d]);
  layerNorm(out, `${prefix}.final_layer_norm`, d);
}

/**
 * Every tensor a Whisper checkpoint with this config must hold, with its shape (`proj_out.weight`
 * is not listed: it is optional, tied to the token embedding).
 * @param where the folder, for messages.
 * @throws AppError `CHECKPOINT_INVALID` naming the config fields that are missing or not positive integers.
 */
export function expectedWhisperTensors(
  configJson: unknown,
  where: string,
): ReadonlyMap<string, readonly number[]> {
  const s = readSizes(configJson, where);
  const d = s.d_model;
  const out = new Map<string, number[]>();
  out.set('model.encoder.conv1.weight', [d, s.num_mel_bins, CONV_KERNEL]);
  out.set('model.encoder.conv1.bias', [d]);
  out.set('model.encoder.conv2.weight', [d, d, CONV_KERNEL]);
  out.set('model.encoder.conv2.bias', [d]);
  out.set(ENCODER_POSITIONS_NAME, [s.max_source_positions, d]);
  for (let i = 0; i < s.encoder_layers; i++) {
    const p = `model.encoder.layers.${i}`;
    attention(out, `${p}.self_attn`, d);
    layerNorm(out, `${p}.self_attn_layer_norm`, d);
    mlp(out, p, d, s.encoder_ffn_dim);
  }
  layerNorm(out, 'model.encoder.layer_norm', d);
  out.set(EMBED_TOKENS_NAME, [s.vocab_size, d]);
  out.set('model.decoder.embed_positions.weight', [s.max_target_positions, d]);
  for (let i = 0; i < s.decoder_layers; i++) {
    const p = `model.decoder.layers.${i}`;
    attention(out, `${p}.self_attn`, d);
    layerNorm(out, `${p}.self_attn_layer_norm`, d);
    attention(out, `${p}.encoder_attn`, d);
    layerNorm(out, `${p}.encoder_attn_layer_norm`, d);
    mlp(out, p, d, s.decoder_ffn_dim);
  }
  layerNorm(out, 'model.decoder.layer_norm', d);
  return out;
}
