import { createHash } from 'node:crypto';

/**
 * The 32-bit seed of one tensor: the first 4 bytes (big-endian) of sha256("<recipe seed>\0<name>").
 * It depends on nothing else (not the tensor order, not the worker), so a stochastic merge is
 * bit-reproducible; methods derive per-task streams from it with `mixSeed(seed, taskIndex)`.
 */
export function tensorSeed(recipeSeed: number, tensorName: string): number {
  const digest = createHash('sha256').update(`${recipeSeed}\0${tensorName}`).digest();
  return digest.readUInt32BE(0);
}
