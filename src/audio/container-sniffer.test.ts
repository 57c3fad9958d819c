import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sniffContainer } from './container-sniffer.js';
import { decodeAudio } from './decode-audio.js';
import { encodeWav16 } from './wav-encoder.js';

test('sniffContainer() recognises what sox writes (wav, flac, aiff, ogg when built in)', (t) => {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
  } catch {
    t.skip('sox is not installed (Debian package sox)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'chorus-sniff-'));
  try {
    const src = join(dir, 'in.wav');
    writeFileSync(
      src,
      encodeWav16(
        new Float32Array(800).map((_, i) => Math.sin(i * 0.1) * 0.3),
        8000,
      ),
    );
    for (const [ext, name] of [
      ['wav', 'wav'],
      ['flac', 'flac'],
      ['aiff', 'aiff'],
      ['ogg', 'ogg'],
    ] as const) {
      const out = join(dir, `out.${ext}`);
      try {
        execFileSync('sox', [src, out], { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch {
        continue; // this sox build lacks the format (e.g. no libvorbis)
      }
      const bytes = new Uint8Array(readFileSync(out));
      assert.equal(sniffContainer(bytes), name);
      if (name !== 'wav') assert.throws(() => decodeAudio(bytes), { code: 'AUDIO_FORMAT_UNSUPPORTED' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sniffContainer() knows common magic numbers and leaves PCM-looking bytes alone', () => {
  const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
  assert.equal(sniffContainer(ascii('ID3\u0004\u0000')), 'mp3');
  assert.equal(sniffContainer(Uint8Array.of(0xff, 0xfb, 0x90, 0x64)), 'mp3');
  assert.equal(sniffContainer(ascii('\u0000\u0000\u0000\u0020ftypM4A ')), 'mp4');
  assert.equal(sniffContainer(Uint8Array.of(0x1a, 0x45, 0xdf, 0xa3, 0x9f)), 'webm');
  assert.equal(sniffContainer(ascii('caff')), 'caf');
  assert.equal(sniffContainer(new Uint8Array(64)), undefined);
  assert.equal(sniffContainer(new Uint8Array(0)), undefined);
});
