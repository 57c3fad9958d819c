/**
 * Packs a 0/1 mask into bytes, 8 entries per byte, most significant bit first — numpy's
 * `np.packbits(mask)` layout (default `bitorder='big'`), which tall_masks uses to store its masks.
 * The last byte is zero-padded.
 */
export function packBitsInto(out: Uint8Array, mask: Uint8Array): Uint8Array {
  out.fill(0);
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) out[i >>> 3] |= 0x80 >>> (i & 7);
  return out;
}

/** Bytes needed for `length` packed bits. */
export function packedByteLength(length: number): number {
  return Math.ceil(length / 8);
}

/** True when entry `i` of a packed mask is set. */
export function isBitSet(packed: Uint8Array, i: number): boolean {
  return (packed[i >>> 3] & (0x80 >>> (i & 7))) !== 0;
}

/** Number of set bits among the first `length` entries. */
export function countSetBits(packed: Uint8Array, length: number): number {
  let count = 0;
  for (let i = 0; i < length; i++) if (isBitSet(packed, i)) count++;
  return count;
}
