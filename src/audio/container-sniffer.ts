/** Containers/codecs we can recognise by their first bytes but not decode. */
export type SniffedContainer = 'wav' | 'mp3' | 'flac' | 'ogg' | 'mp4' | 'webm' | 'aiff' | 'caf';

function startsWithAscii(bytes: Uint8Array, at: number, text: string): boolean {
  if (bytes.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * Names the container of `bytes` from its magic number (file(1)-style), or undefined when none
 * matches, which is also what headerless PCM gives. Used to say *what* was sent when we cannot
 * decode it.
 */
export function sniffContainer(bytes: Uint8Array): SniffedContainer | undefined {
  if (startsWithAscii(bytes, 0, 'RIFF') && startsWithAscii(bytes, 8, 'WAVE')) return 'wav';
  if (startsWithAscii(bytes, 0, 'fLaC')) return 'flac';
  if (startsWithAscii(bytes, 0, 'OggS')) return 'ogg';
  if (startsWithAscii(bytes, 4, 'ftyp')) return 'mp4';
  if (
    startsWithAscii(bytes, 0, 'FORM') &&
    (startsWithAscii(bytes, 8, 'AIFF') || startsWithAscii(bytes, 8, 'AIFC'))
  ) {
    return 'aiff';
  }
  if (startsWithAscii(bytes, 0, 'caff')) return 'caf';
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) {
    return 'webm';
  }
  // ID3v2 tag, or an MPEG audio frame sync (11 set bits) with layer III/II/I bits not 00.
  if (startsWithAscii(bytes, 0, 'ID3')) return 'mp3';
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0 && (bytes[1] & 0x06) !== 0)
    return 'mp3';
  return undefined;
}
