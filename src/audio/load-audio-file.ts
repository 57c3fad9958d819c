import { readFile, stat } from 'node:fs/promises';
import { AppError, isAppError } from '../shared/index.js';
import type { DecodeLimits } from './decoded-audio.js';
import { decodeWav } from './wav-decoder.js';
import { toWhisperPcm } from './whisper-pcm.js';

/**
 * Reads a WAV file and returns Whisper's input: mono float32 at 16 kHz.
 * `maxBytes` is checked against the file size before reading it.
 * @throws AppError `REQUEST_INVALID` when the file cannot be read, otherwise the codes of
 *   {@link decodeWav}; every message names the file.
 */
export async function loadAudioFile(path: string, options?: DecodeLimits): Promise<Float32Array> {
  try {
    if (options?.maxBytes !== undefined) {
      const { size } = await stat(path);
      if (size > options.maxBytes) {
        throw new AppError(
          'AUDIO_FRAME_TOO_LARGE',
          `file has ${size} bytes, over the limit of ${options.maxBytes}`,
        );
      }
    }
    const bytes = new Uint8Array(await readFile(path));
    return toWhisperPcm(decodeWav(bytes, options));
  } catch (e) {
    if (isAppError(e))
      throw new AppError(e.code, `Cannot load audio file ${path}: ${e.message}`, { cause: e });
    throw new AppError('REQUEST_INVALID', `Cannot load audio file ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
