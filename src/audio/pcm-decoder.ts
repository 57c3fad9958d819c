import { AppError } from '../shared/index.js';
import {
  MAX_CHANNEL_COUNT,
  MAX_SAMPLE_RATE_HZ,
  MIN_SAMPLE_RATE_HZ,
  type DecodedAudio,
  type DecodeLimits,
} from './decoded-audio.js';
import { ALAW_TO_FLOAT, MULAW_TO_FLOAT } from './g711.js';

/** How one sample is stored: little-endian integers (8-bit is unsigned, as in WAV), IEEE floats, G.711. */
export type SampleEncoding = 'u8' | 's16le' | 's24le' | 's32le' | 'f32le' | 'f64le' | 'mulaw' | 'alaw';

/** Encodings a caller may declare for headerless audio. */
export type RawPcmEncoding = 's16le' | 'f32le' | 'mulaw' | 'alaw';

/** Options of {@link decodeRawPcm}. */
export interface RawPcmOptions extends DecodeLimits {
  encoding: RawPcmEncoding;
  sampleRateHz: number;
  /** Interleaved channels (default 1), averaged to mono. */
  channelCount?: number;
}

/** Bytes per sample of each encoding. */
export const BYTES_PER_SAMPLE: Readonly<Record<SampleEncoding, number>> = {
  u8: 1,
  s16le: 2,
  s24le: 3,
  s32le: 4,
  f32le: 4,
  f64le: 8,
  mulaw: 1,
  alaw: 1,
};

/** Throws `REQUEST_INVALID`/`AUDIO_MALFORMED` (per `code`) unless rate and channel count are plausible. */
export function checkStreamShape(
  sampleRateHz: number,
  channelCount: number,
  code: 'REQUEST_INVALID' | 'AUDIO_MALFORMED',
): void {
  if (
    !Number.isInteger(sampleRateHz) ||
    sampleRateHz < MIN_SAMPLE_RATE_HZ ||
    sampleRateHz > MAX_SAMPLE_RATE_HZ
  ) {
    throw new AppError(
      code,
      `Cannot decode audio: sample rate ${sampleRateHz} Hz is outside ${MIN_SAMPLE_RATE_HZ}..${MAX_SAMPLE_RATE_HZ} Hz`,
    );
  }
  if (!Number.isInteger(channelCount) || channelCount < 1 || channelCount > MAX_CHANNEL_COUNT) {
    throw new AppError(
      code,
      `Cannot decode audio: channel count ${channelCount} is outside 1..${MAX_CHANNEL_COUNT}`,
    );
  }
}

/** Throws `AUDIO_FRAME_TOO_LARGE` when `frameCount` or `byteLength` exceed the limits. */
export function checkLimits(frameCount: number, byteLength: number, limits: DecodeLimits | undefined): void {
  if (limits?.maxBytes !== undefined && byteLength > limits.maxBytes) {
    throw new AppError(
      'AUDIO_FRAME_TOO_LARGE',
      `Cannot decode audio: ${byteLength} bytes exceed the limit of ${limits.maxBytes}`,
    );
  }
  if (limits?.maxSamples !== undefined && frameCount > limits.maxSamples) {
    throw new AppError(
      'AUDIO_FRAME_TOO_LARGE',
      `Cannot decode audio: ${frameCount} samples exceed the limit of ${limits.maxSamples}`,
    );
  }
}

/**
 * Decodes `frameCount` interleaved frames of `channelCount` samples starting at `byteOffset` into
 * mono floats (channel mean). Integers scale by 2^(bits-1) like ffmpeg/Whisper (`int16 / 32768`);
 * floats are clamped to [-1, 1] and non-finite values become 0. The caller has checked that the
 * bytes exist.
 */
export function decodeInterleavedInto(
  out: Float32Array,
  bytes: Uint8Array,
  byteOffset: number,
  frameCount: number,
  channelCount: number,
  encoding: SampleEncoding,
): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = BYTES_PER_SAMPLE[encoding];
  const inv = 1 / channelCount;
  let p = byteOffset;
  for (let i = 0; i < frameCount; i++) {
    let sum = 0;
    for (let c = 0; c < channelCount; c++, p += width) {
      switch (encoding) {
        case 'u8':
          sum += (bytes[p] - 128) / 128;
          break;
        case 's16le':
          sum += view.getInt16(p, true) / 32768;
          break;
        case 's24le':
          sum += (((bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16)) << 8) >> 8) / 8388608;
          break;
        case 's32le':
          sum += view.getInt32(p, true) / 2147483648;
          break;
        case 'f32le':
          sum += clampUnit(view.getFloat32(p, true));
          break;
        case 'f64le':
          sum += clampUnit(view.getFloat64(p, true));
          break;
        case 'mulaw':
          sum += MULAW_TO_FLOAT[bytes[p]];
          break;
        case 'alaw':
          sum += ALAW_TO_FLOAT[bytes[p]];
          break;
      }
    }
    out[i] = channelCount === 1 ? sum : sum * inv;
  }
  return out;
}

function clampUnit(v: number): number {
  // NaN fails both comparisons below and would poison every later mel frame; map it to silence.
  if (!(v >= -1)) return v < -1 ? -1 : 0;
  return v > 1 ? 1 : v;
}

/**
 * Decodes headerless interleaved audio with a declared encoding, rate and channel count.
 * A trailing partial frame is ignored (a live stream may cut mid-frame).
 * @throws AppError `REQUEST_INVALID` for an implausible declared rate/channel count,
 *   `AUDIO_FORMAT_UNSUPPORTED` for an unknown encoding, `AUDIO_FRAME_TOO_LARGE` beyond the limits.
 */
export function decodeRawPcm(bytes: Uint8Array, options: RawPcmOptions): DecodedAudio {
  const channelCount = options.channelCount ?? 1;
  if (!(options.encoding in RAW_ENCODINGS)) {
    throw new AppError(
      'AUDIO_FORMAT_UNSUPPORTED',
      `Cannot decode raw audio: encoding ${String(options.encoding)} is not one of s16le, f32le, mulaw, alaw`,
    );
  }
  checkStreamShape(options.sampleRateHz, channelCount, 'REQUEST_INVALID');
  const frameBytes = BYTES_PER_SAMPLE[options.encoding] * channelCount;
  const frameCount = Math.floor(bytes.byteLength / frameBytes);
  checkLimits(frameCount, bytes.byteLength, options);
  const samples = decodeInterleavedInto(
    new Float32Array(frameCount),
    bytes,
    0,
    frameCount,
    channelCount,
    options.encoding,
  );
  return { samples, sampleRateHz: options.sampleRateHz, channelCount };
}

const RAW_ENCODINGS: Readonly<Record<RawPcmEncoding, true>> = {
  s16le: true,
  f32le: true,
  mulaw: true,
  alaw: true,
};
