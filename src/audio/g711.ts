/**
 * G.711 µ-law and A-law expansion (ITU-T G.711, 1988, Tables 1a/2a), as the 16-bit linear values
 * that CCITT reference code and sox produce (µ-law range ±32124, A-law ±32256).
 */

/** Linear 16-bit value of one µ-law byte. */
export function mulawToLinear16(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  // Bias 0x84 (132) is added before compression and removed here (G.711 µ-law, segment encoding).
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? 0 - magnitude : magnitude; // 0 − 0 is +0, as in int16
}

/** Linear 16-bit value of one A-law byte (even bits inverted on the wire: XOR 0x55). */
export function alawToLinear16(byte: number): number {
  const a = (byte ^ 0x55) & 0xff;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

function table(expand: (byte: number) => number): Float32Array {
  const t = new Float32Array(256);
  for (let b = 0; b < 256; b++) t[b] = expand(b) / 32768;
  return t;
}

/** Byte → float in [-1, 1] lookup tables (256 entries each). */
export const MULAW_TO_FLOAT: Float32Array = table(mulawToLinear16);
export const ALAW_TO_FLOAT: Float32Array = table(alawToLinear16);
