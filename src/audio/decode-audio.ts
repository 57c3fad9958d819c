import { AppError } from '../shared/index.js';
import type { DecodedAudio, DecodeLimits } from './decoded-audio.js';
import { sniffContainer } from './container-sniffer.js';
import { decodeRawPcm, type RawPcmOptions } from './pcm-decoder.js';
import { decodeWav, isWav } from './wav-decoder.js';

/**
 * Decodes audio of unknown container: RIFF/WAVE is sniffed from its header; anything else is
 * decoded as headerless PCM described by `hint`.
 * @throws AppError `AUDIO_FORMAT_UNSUPPORTED` when the bytes are not WAV and no hint is given,
 *   plus every error of {@link decodeWav} / {@link decodeRawPcm}.
 */
export function decodeAudio(bytes: Uint8Array, hint?: RawPcmOptions, limits?: DecodeLimits): DecodedAudio {
  if (isWav(bytes)) return decodeWav(bytes, limits ?? hint);
  if (hint === undefined) {
    const container = sniffContainer(bytes);
    throw new AppError(
      'AUDIO_FORMAT_UNSUPPORTED',
      container === undefined
        ? 'Cannot decode audio: not a RIFF/WAVE file and no raw PCM encoding was declared'
        : `Cannot decode audio: ${container} is not supported (send WAV or raw PCM/G.711 with a declared encoding)`,
    );
  }
  return decodeRawPcm(bytes, limits === undefined ? hint : { ...hint, ...limits });
}
