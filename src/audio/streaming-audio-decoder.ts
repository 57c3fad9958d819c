import { AppError } from '../shared/index.js';
import {
  BYTES_PER_SAMPLE,
  checkStreamShape,
  decodeInterleavedInto,
  type RawPcmOptions,
  type SampleEncoding,
} from './pcm-decoder.js';
import { parseWavFormat } from './wav-decoder.js';
import { sniffContainer } from './container-sniffer.js';

/** Options of {@link StreamingAudioDecoder}. */
export interface StreamingAudioDecoderOptions {
  /** How to read a stream that does not start with a RIFF/WAVE header. */
  raw?: Pick<RawPcmOptions, 'encoding' | 'sampleRateHz' | 'channelCount'>;
  /** Most bytes buffered while looking for the WAV `data` chunk (default 64 KiB). */
  maxHeaderBytes?: number;
}

/** What the stream carries, once known. */
export interface StreamFormat {
  sampleRateHz: number;
  channelCount: number;
  encoding: SampleEncoding;
}

const DEFAULT_MAX_HEADER_BYTES = 64 * 1024;
/** Bytes needed to tell RIFF/WAVE from raw PCM ("RIFF" size "WAVE"). */
const SNIFF_BYTES = 12;

/**
 * Decodes live audio arriving in arbitrary byte chunks (WebSocket frames, gRPC messages) into
 * mono float samples: a stream that starts with a RIFF/WAVE header is read by that header (its
 * data size is ignored: live writers do not know it), anything else as the declared raw PCM.
 * Bytes of a sample frame split across chunks are carried over, so the output does not depend
 * on the chunking. Memory: the header (≤ maxHeaderBytes) and < 1 frame of carry-over.
 */
export class StreamingAudioDecoder {
  readonly #raw: StreamingAudioDecoderOptions['raw'];
  readonly #maxHeaderBytes: number;
  #format: StreamFormat | undefined;
  /** Header bytes (before the format is known) or a partial sample frame (after). */
  #pending: Uint8Array = new Uint8Array(0);

  constructor(options: StreamingAudioDecoderOptions = {}) {
    this.#raw = options.raw;
    this.#maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  }

  /** The stream's format, once the header (or the first bytes of raw audio) has been seen. */
  get format(): StreamFormat | undefined {
    return this.#format;
  }

  /**
   * Decodes `bytes` and returns the complete mono samples they finish (possibly none).
   * @throws AppError `AUDIO_MALFORMED` for a bad or oversized WAV header,
   *   `AUDIO_FORMAT_UNSUPPORTED` for raw audio without a declared encoding or an unsupported
   *   codec, `REQUEST_INVALID` for an implausible declared rate or channel count.
   */
  push(bytes: Uint8Array): Float32Array {
    let data = this.#pending.length === 0 ? bytes : concat(this.#pending, bytes);
    if (this.#format === undefined) {
      const start = this.#readHeader(data);
      if (start === undefined) {
        if (data.length > this.#maxHeaderBytes) {
          throw new AppError(
            'AUDIO_MALFORMED',
            `Cannot decode WAV stream: no data chunk in the first ${this.#maxHeaderBytes} bytes`,
          );
        }
        this.#pending = data === bytes ? bytes.slice() : data;
        return new Float32Array(0);
      }
      data = data.subarray(start);
    }
    const format = this.#format as StreamFormat;
    const frameBytes = BYTES_PER_SAMPLE[format.encoding] * format.channelCount;
    const frameCount = Math.floor(data.length / frameBytes);
    const out = decodeInterleavedInto(
      new Float32Array(frameCount),
      data,
      0,
      frameCount,
      format.channelCount,
      format.encoding,
    );
    this.#pending = data.slice(frameCount * frameBytes);
    return out;
  }

  /** Sets #format and returns the offset of the first sample byte, or undefined if more bytes are needed. */
  #readHeader(data: Uint8Array): number | undefined {
    if (data.length < SNIFF_BYTES && isPrefixOf(data, RIFF)) return undefined;
    if (!(data.length >= SNIFF_BYTES && isPrefixOf(data.subarray(0, 4), RIFF) && ascii(data, 8) === 'WAVE')) {
      const raw = this.#raw;
      if (raw === undefined) {
        const container = sniffContainer(data);
        throw new AppError(
          'AUDIO_FORMAT_UNSUPPORTED',
          container === undefined
            ? 'Cannot decode audio stream: not RIFF/WAVE and no raw PCM encoding was declared'
            : `Cannot decode audio stream: ${container} is not supported (send WAV or declared raw PCM/G.711)`,
        );
      }
      const channelCount = raw.channelCount ?? 1;
      checkStreamShape(raw.sampleRateHz, channelCount, 'REQUEST_INVALID');
      if (!(raw.encoding in BYTES_PER_SAMPLE)) {
        throw new AppError(
          'AUDIO_FORMAT_UNSUPPORTED',
          `Cannot decode audio stream: encoding ${String(raw.encoding)}`,
        );
      }
      this.#format = { sampleRateHz: raw.sampleRateHz, channelCount, encoding: raw.encoding };
      return 0;
    }
    let format: StreamFormat | undefined;
    let pos = 12;
    while (pos + 8 <= data.length) {
      const id = ascii(data, pos);
      const size = readU32(data, pos + 4);
      const body = pos + 8;
      if (id === 'data') {
        if (format === undefined)
          throw new AppError(
            'AUDIO_MALFORMED',
            'Cannot decode WAV stream: data chunk comes before the fmt chunk',
          );
        this.#format = format;
        return body;
      }
      if (body + size > data.length) return undefined; // chunk not complete yet
      if (id === 'fmt ') {
        const f = parseWavFormat(data, body, size);
        format = { sampleRateHz: f.sampleRateHz, channelCount: f.channelCount, encoding: f.encoding };
      }
      pos = body + size + (size & 1);
    }
    return undefined;
  }
}

const RIFF = Uint8Array.of(0x52, 0x49, 0x46, 0x46);

function isPrefixOf(data: Uint8Array, of: Uint8Array): boolean {
  for (let i = 0; i < data.length && i < of.length; i++) if (data[i] !== of[i]) return false;
  return true;
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16)) + bytes[at + 3] * 0x1000000;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
