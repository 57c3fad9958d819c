import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Float32BufferPool } from './buffer-pool.js';

const MB = Float32BufferPool.MIN_POOLED_BYTES / 4; // elements in 1 MiB

test('Float32BufferPool reuses the smallest free buffer that fits, not a far larger one', () => {
  const pool = new Float32BufferPool(8);
  const big = pool.acquire(8 * MB);
  const mid = pool.acquire(2 * MB);
  pool.release(big.buffer, mid.buffer);
  const a = pool.acquire(2 * MB);
  assert.equal(a.buffer, mid.buffer);
  assert.equal(a.length, 2 * MB);
  const b = pool.acquire(MB); // 8 MiB > 4 × 1 MiB: not pinned by a small tensor
  assert.notEqual(b.buffer, big.buffer);
  const c = pool.acquire(3 * MB);
  assert.equal(c.buffer, big.buffer);
  assert.equal(c.length, 3 * MB);
});

test('Float32BufferPool ignores double, detached and small releases and keeps at most maxFreeCount', () => {
  const pool = new Float32BufferPool(2);
  const a = pool.acquire(MB);
  pool.release(a.buffer, a.buffer);
  assert.equal(pool.freeBytes, MB * 4);
  const x = pool.acquire(MB);
  const y = pool.acquire(MB);
  assert.notEqual(x.buffer, y.buffer, 'a buffer is lent to one holder only');
  pool.release(new Float32Array(16).buffer);
  const detached = new Float32Array(MB).buffer;
  structuredClone(detached, { transfer: [detached] });
  pool.release(detached);
  assert.equal(pool.freeBytes, 0);
  const bufs = [x, y, pool.acquire(MB)].map((f) => f.buffer);
  pool.release(...bufs);
  assert.equal(pool.freeBytes, 2 * MB * 4, 'the oldest release was dropped');
  assert.notEqual(pool.acquire(MB).buffer, bufs[0]);
});
