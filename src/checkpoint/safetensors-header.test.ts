import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  parseHeaderLength,
  parseSafetensorsHeader,
  SAFETENSORS_MAX_HEADER_BYTES,
} from './safetensors-header.js';

const enc = new TextEncoder();

/** Parses `header` as if it were followed by `dataBytes` bytes of data. */
function parse(header: unknown, dataBytes: number) {
  const bytes = enc.encode(typeof header === 'string' ? header : JSON.stringify(header));
  return parseSafetensorsHeader(bytes, 8 + bytes.byteLength + dataBytes, 'test.safetensors');
}

const invalid = { code: 'CHECKPOINT_INVALID' };

test('parseSafetensorsHeader() accepts a well-formed header and computes absolute offsets', () => {
  const header = {
    __metadata__: { format: 'pt' },
    b: { dtype: 'F16', shape: [3], data_offsets: [16, 22] },
    a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
    s: { dtype: 'I64', shape: [], data_offsets: [22, 30] },
    z: { dtype: 'BF16', shape: [0, 5], data_offsets: [30, 30] },
  };
  const json = JSON.stringify(header);
  const h = parse(header, 30);
  assert.deepEqual(h.metadata, { format: 'pt' });
  assert.deepEqual([...h.tensors.keys()], ['a', 'b', 's', 'z']);
  assert.equal(h.tensors.get('b')?.fileOffsetBytes, 8 + json.length + 16);
  assert.equal(h.tensors.get('s')?.elementCount, 1);
  assert.equal(h.tensors.get('z')?.elementCount, 0);
  assert.equal(h.tensors.get('a')?.byteLength, 16);
});

test('parseSafetensorsHeader() rejects overlapping tensors', () => {
  const header = {
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
  };
  assert.throws(() => parse(header, 12), invalid);
});

test('parseSafetensorsHeader() rejects a gap between tensors and trailing data', () => {
  const gap = {
    a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
    b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
  };
  assert.throws(() => parse(gap, 12), invalid);
  assert.throws(() => parse({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 5), invalid);
});

test('parseSafetensorsHeader() rejects offsets past the data section (truncated file)', () => {
  assert.throws(() => parse({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 12), invalid);
});

test('parseSafetensorsHeader() rejects unknown dtypes, lying shapes and malformed entries', () => {
  assert.throws(() => parse({ a: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, 16), invalid);
  assert.throws(() => parse({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, 16), invalid);
  assert.throws(() => parse({ a: { dtype: 'F32', shape: [-4], data_offsets: [0, 16] } }, 16), invalid);
  assert.throws(() => parse({ a: { dtype: 'F32', shape: [1.5], data_offsets: [0, 16] } }, 16), invalid);
  assert.throws(() => parse({ a: { dtype: 'F32', shape: [4], data_offsets: [16, 0] } }, 16), invalid);
  assert.throws(() => parse({ a: { dtype: 'F32', shape: [4], data_offsets: [0] } }, 16), invalid);
  assert.throws(() => parse({ a: 'x' }, 0), invalid);
  assert.throws(() => parse({ __metadata__: { k: 1 } }, 0), invalid);
  assert.throws(() => parse('[1, 2]', 0), invalid);
  assert.throws(() => parse('{"a": ', 0), invalid);
  // shape × dtype overflowing the safe integer range must not wrap around to a plausible size
  assert.throws(
    () => parse({ a: { dtype: 'F64', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 8] } }, 8),
    invalid,
  );
});

test('parseSafetensorsHeader() rejects non-UTF-8 header bytes', () => {
  const bytes = Uint8Array.of(0x7b, 0xff, 0x7d);
  assert.throws(() => parseSafetensorsHeader(bytes, 8 + 3, 'x'), invalid);
});

function prefix(n: bigint): Uint8Array {
  const p = new Uint8Array(8);
  new DataView(p.buffer).setBigUint64(0, n, true);
  return p;
}

test('parseHeaderLength() rejects huge, tiny and out-of-bounds header lengths', () => {
  assert.equal(parseHeaderLength(prefix(100n), 200, 'x'), 100);
  assert.throws(() => parseHeaderLength(prefix(0n), 200, 'x'), invalid);
  assert.throws(() => parseHeaderLength(prefix(2n ** 63n), 200, 'x'), invalid);
  assert.throws(() => parseHeaderLength(prefix(BigInt(SAFETENSORS_MAX_HEADER_BYTES + 1)), 2e9, 'x'), invalid);
  assert.throws(() => parseHeaderLength(prefix(193n), 200, 'x'), invalid);
  assert.throws(() => parseHeaderLength(new Uint8Array(4), 4, 'x'), invalid);
});

test('parseSafetensorsHeader() never throws anything but CHECKPOINT_INVALID on random headers', () => {
  const entry = fc.record({
    dtype: fc.constantFrom('F32', 'F16', 'BF16', 'I64', 'U8', 'X9', 7),
    shape: fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 3 }),
    data_offsets: fc.tuple(fc.integer({ min: -2, max: 64 }), fc.integer({ min: -2, max: 64 })),
  });
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ maxLength: 4 }), entry, { maxKeys: 4 }),
      fc.nat(80),
      (header, data) => {
        try {
          const h = parse(header, data);
          // Accepted: then the tensors tile [0, data) exactly.
          let covered = 0;
          for (const t of h.tensors.values()) covered += t.byteLength;
          assert.equal(covered, data);
        } catch (e) {
          assert.equal((e as { code?: string }).code, 'CHECKPOINT_INVALID');
        }
      },
    ),
    { numRuns: 300 },
  );
});
