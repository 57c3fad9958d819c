import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openFileByteSource } from './byte-source.js';

const dir = await mkdtemp(join(tmpdir(), 'chorus-bytes-'));
after(() => rm(dir, { recursive: true, force: true }));

test('openFileByteSource() reads large ranges (split into concurrent chunks) exactly, and short at end of file', async () => {
  const size = (16 << 20) * 3 + 12345; // above the split threshold, last chunk partial
  const bytes = randomFillSync(new Uint8Array(size));
  const path = join(dir, 'blob.bin');
  await writeFile(path, bytes);
  const src = await openFileByteSource(path);
  try {
    assert.equal(src.sizeBytes, size);
    for (const [position, length] of [
      [0, size],
      [777, (16 << 20) * 2 + 5],
      [100, 4096],
    ]) {
      const out = new Uint8Array(length);
      assert.equal(await src.read(out, position), length);
      assert.ok(Buffer.from(out).equals(Buffer.from(bytes.subarray(position, position + length))));
    }
    // Past the end: only the bytes that exist are reported.
    const tail = new Uint8Array((16 << 20) * 2 + 10);
    const position = size - (16 << 20) - 3;
    assert.equal(await src.read(tail, position), size - position);
    assert.ok(Buffer.from(tail.subarray(0, size - position)).equals(Buffer.from(bytes.subarray(position))));
  } finally {
    await src.close();
  }
});
