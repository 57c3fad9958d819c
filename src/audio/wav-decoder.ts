import { AppError } from '../shared/index.js';
import type { DecodedAudio, DecodeLimits } from './decoded-audio.js';
import {
  BYTES_PER_SAMPLE,
  checkLimits,
  checkStreamShape,
  decodeInterleavedInto,
  type SampleEncoding,
} from './pcm-decoder.js';

// WAVE format tags; ref: Microsoft mmreg.h (WAVE_FORMAT_*), RFC 2361 appendix A.
const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_ALAW = 0x0006;
const WAVE_FORMAT_MULAW = 0x0007;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID whose first two bytes are a format tag (mmreg.h). */
const SUBFORMAT_GUID_TAIL = [
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];
/** Streaming writers that cannot seek back put this (or 0) in the data size; we then read to the end. */
const UNKNOWN_SIZE_MARKER = 0xffffffff;

/** What the `fmt ` chunk says, resolved to one of our sample encodings. */
export interface WavFormat {
  formatTag: number;
  encoding: SampleEncoding;
  channelCount: number;
  sampleRateHz: number;
  blockAlignBytes: number;
}

/** True when the bytes start with a RIFF/WAVE header. */
export function isWav(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 12 && fourCc(bytes, 0) === 'RIFF' && fourCc(bytes, 8) === 'WAVE';
}

/**
 * Decodes a RIFF/WAVE file: PCM 8/16/24/32-bit integer, 32/64-bit float, A-law, µ-law, also as
 * WAVE_FORMAT_EXTENSIBLE; any channel count, mixed down to mono. Work and memory are bounded by
 * the byte length of the input, never by header fields.
 * @throws AppError `AUDIO_MALFORMED` (bad header, missing chunks, truncated data, implausible
 *   rate/channels), `AUDIO_FORMAT_UNSUPPORTED` (other codecs or bit depths),
 *   `AUDIO_FRAME_TOO_LARGE` (beyond `maxSamples`/`maxBytes`).
 */
export function decodeWav(bytes: Uint8Array, options?: DecodeLimits): DecodedAudio {
  if (!isWav(bytes)) throw malformed('no RIFF/WAVE header');
  checkLimits(0, bytes.byteLength, options);
  let format: WavFormat | undefined;
  let pos = 12;
  while (pos + 8 <= bytes.byteLength) {
    const id = fourCc(bytes, pos);
    const declaredBytes = readU32(bytes, pos + 4);
    const body = pos + 8;
    const available = bytes.byteLength - body;
    if (id === 'fmt ') {
      if (declaredBytes > available) throw malformed('fmt chunk is truncated');
      format = parseWavFormat(bytes, body, declaredBytes);
    } else if (id === 'data') {
      if (format === undefined) throw malformed('data chunk comes before the fmt chunk');
      let dataBytes = declaredBytes;
      if (dataBytes > available) {
        if (dataBytes !== UNKNOWN_SIZE_MARKER) {
          throw malformed(`data chunk declares ${dataBytes} bytes but only ${available} follow`);
        }
        dataBytes = available;
      } else if (dataBytes === 0) {
        // Size 0 with bytes after it: a live writer that never patched the header.
        dataBytes = available;
      }
      const frameCount = Math.floor(dataBytes / format.blockAlignBytes);
      checkLimits(frameCount, bytes.byteLength, options);
      const samples = decodeInterleavedInto(
        new Float32Array(frameCount),
        bytes,
        body,
        frameCount,
        format.channelCount,
        format.encoding,
      );
      return { samples, sampleRateHz: format.sampleRateHz, channelCount: format.channelCount };
    }
    // Chunks are word-aligned: an odd size is followed by one pad byte (RIFF spec, 1991).
    pos = body + declaredBytes + (declaredBytes & 1);
  }
  throw malformed(format === undefined ? 'no fmt chunk' : 'no data chunk');
}

/**
 * Parses a `fmt ` chunk body of `size` bytes at `at`.
 * @throws AppError `AUDIO_MALFORMED` or `AUDIO_FORMAT_UNSUPPORTED` as {@link decodeWav}.
 */
export function parseWavFormat(bytes: Uint8Array, at: number, size: number): WavFormat {
  if (size < 16) throw malformed(`fmt chunk has ${size} bytes, fewer than 16`);
  let formatTag = readU16(bytes, at);
  const channelCount = readU16(bytes, at + 2);
  const sampleRateHz = readU32(bytes, at + 4);
  const blockAlignBytes = readU16(bytes, at + 12);
  const bitsPerSample = readU16(bytes, at + 14);
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40 || readU16(bytes, at + 16) < 22)
      throw malformed('WAVE_FORMAT_EXTENSIBLE fmt chunk is too short');
    formatTag = readU16(bytes, at + 24);
    for (let i = 0; i < SUBFORMAT_GUID_TAIL.length; i++) {
      if (bytes[at + 26 + i] !== SUBFORMAT_GUID_TAIL[i])
        throw unsupported('WAVE_FORMAT_EXTENSIBLE sub-format GUID');
    }
  }
  checkStreamShape(sampleRateHz, channelCount, 'AUDIO_MALFORMED');
  const encoding = encodingOf(formatTag, bitsPerSample);
  const expectedAlign = BYTES_PER_SAMPLE[encoding] * channelCount;
  if (blockAlignBytes !== expectedAlign) {
    throw malformed(
      `block align ${blockAlignBytes} does not match ${channelCount} × ${bitsPerSample}-bit samples`,
    );
  }
  return { formatTag, encoding, channelCount, sampleRateHz, blockAlignBytes };
}

function encodingOf(formatTag: number, bitsPerSample: number): SampleEncoding {
  switch (formatTag) {
    case WAVE_FORMAT_PCM:
      if (bitsPerSample === 8) return 'u8';
      if (bitsPerSample === 16) return 's16le';
      if (bitsPerSample === 24) return 's24le';
      if (bitsPerSample === 32) return 's32le';
      break;
    case WAVE_FORMAT_IEEE_FLOAT:
      if (bitsPerSample === 32) return 'f32le';
      if (bitsPerSample === 64) return 'f64le';
      break;
    case WAVE_FORMAT_ALAW:
      if (bitsPerSample === 8) return 'alaw';
      break;
    case WAVE_FORMAT_MULAW:
      if (bitsPerSample === 8) return 'mulaw';
      break;
    default:
      throw unsupported(`format tag 0x${formatTag.toString(16).padStart(4, '0')}`);
  }
  throw unsupported(
    `${bitsPerSample}-bit samples with format tag 0x${formatTag.toString(16).padStart(4, '0')}`,
  );
}

function fourCc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

function readU16(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8);
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16)) + bytes[at + 3] * 0x1000000;
}

function malformed(what: string): AppError {
  return new AppError('AUDIO_MALFORMED', `Cannot decode WAV: ${what}`);
}

function unsupported(what: string): AppError {
  return new AppError('AUDIO_FORMAT_UNSUPPORTED', `Cannot decode WAV: ${what} is not supported`);
}
