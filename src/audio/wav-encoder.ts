/**
 * Writes a mono WAV header for `dataBytes` of sample data: 16-byte `fmt ` for PCM, 18-byte (with
 * cbSize = 0) for other format tags, as the WAVEFORMATEX rules ask for non-PCM data.
 */
function wavHeader(
  dataBytes: number,
  sampleRateHz: number,
  formatTag: number,
  bytesPerSample: number,
): { bytes: Uint8Array; view: DataView; dataOffset: number } {
  const fmtBytes = formatTag === 1 ? 16 : 18;
  const dataOffset = 12 + 8 + fmtBytes + 8;
  const bytes = new Uint8Array(dataOffset + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) bytes[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, bytes.length - 8, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, fmtBytes, true);
  view.setUint16(20, formatTag, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRateHz, true);
  view.setUint32(28, sampleRateHz * bytesPerSample, true);
  view.setUint16(32, bytesPerSample, true);
  view.setUint16(34, bytesPerSample * 8, true);
  if (fmtBytes === 18) view.setUint16(36, 0, true);
  ascii(dataOffset - 8, 'data');
  view.setUint32(dataOffset - 4, dataBytes, true);
  return { bytes, view, dataOffset };
}

/**
 * Encodes mono samples as a 16-bit PCM WAV. Samples scale by 32768 and clamp to int16, the exact
 * inverse of the decoder's `int16 / 32768` for every representable value.
 */
export function encodeWav16(samples: Float32Array, sampleRateHz: number): Uint8Array {
  const { bytes, view, dataOffset } = wavHeader(samples.length * 2, sampleRateHz, 1, 2);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round(samples[i] * 32768);
    view.setInt16(dataOffset + 2 * i, v > 32767 ? 32767 : v < -32768 ? -32768 : v, true);
  }
  return bytes;
}

/** Encodes mono samples as a 32-bit IEEE float WAV (lossless for Float32Array input). */
export function encodeWavFloat32(samples: Float32Array, sampleRateHz: number): Uint8Array {
  const { bytes, view, dataOffset } = wavHeader(samples.length * 4, sampleRateHz, 3, 4);
  for (let i = 0; i < samples.length; i++) view.setFloat32(dataOffset + 4 * i, samples[i], true);
  return bytes;
}
