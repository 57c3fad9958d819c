import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile, unlink, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HfCheckpoint } from './hf-checkpoint.js';
import { SafetensorsFile } from './safetensors-file.js';
import { syntheticTensorValues, writeSyntheticWhisperCheckpoint } from './synthetic-checkpoint.js';
import { writeSafetensors } from './write-safetensors.js';

async function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'chorus-hf-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Small sizes: a 2+1-layer model with a 100-token vocabulary. */
const SMALL = {
  dModel: 16,
  encoderLayers: 2,
  decoderLayers: 1,
  attentionHeads: 2,
  vocabSize: 100,
  maxSourcePositions: 10,
};

test('HfCheckpoint.open() exposes raw JSON, tensors and the tied proj_out alias', async () => {
  await withTmp(async (dir) => {
    const config = await writeSyntheticWhisperCheckpoint(dir, SMALL);
    await writeFile(join(dir, 'tokenizer.json'), '{}');
    await using ck = await HfCheckpoint.open(dir);
    assert.deepEqual(ck.configJson, config);
    assert.equal(ck.generationConfigJson, undefined);
    assert.equal((ck.preprocessorJson as { nb_max_frames: number }).nb_max_frames, 20);
    assert.deepEqual(ck.tokenizerFiles, ['tokenizer.json']);
    assert.equal(ck.isProjOutTied, true);
    assert.ok(!ck.tensorNames.includes('proj_out.weight'));
    assert.ok(ck.has('proj_out.weight'));
    assert.deepEqual(
      await ck.readF32('proj_out.weight'),
      await ck.readF32('model.decoder.embed_tokens.weight'),
    );
    assert.deepEqual(ck.info('model.encoder.embed_positions.weight').shape, [10, 16]);
    // 2 encoder layers × 15 + 1 decoder layer × 24 + 5 encoder stem + 2 encoder LN + 2 decoder emb + 2 decoder LN
    assert.equal(ck.tensorNames.length, 2 * 15 + 24 + 5 + 2 + 2 + 2);
    const name = 'model.decoder.layers.0.fc1.weight';
    const values = await ck.readF32(name);
    assert.equal(values.length, 64 * 16);
  });
});

test('HfCheckpoint serves an explicitly stored proj_out.weight as an ordinary tensor', async () => {
  await withTmp(async (dir) => {
    await writeSyntheticWhisperCheckpoint(dir, { ...SMALL, storeProjOut: true });
    await using ck = await HfCheckpoint.open(dir);
    assert.equal(ck.isProjOutTied, false);
    assert.ok(ck.tensorNames.includes('proj_out.weight'));
    assert.equal(ck.info('proj_out.weight').name, 'proj_out.weight');
  });
});

test('HfCheckpoint reads sharded checkpoints transparently', async () => {
  await withTmp(async (dir) => {
    const one = join(dir, 'one');
    const two = join(dir, 'two');
    await writeSyntheticWhisperCheckpoint(one, { ...SMALL, dtype: 'BF16' });
    await writeSyntheticWhisperCheckpoint(two, { ...SMALL, dtype: 'BF16', sharded: true });
    await using a = await HfCheckpoint.open(one);
    await using b = await HfCheckpoint.open(two);
    assert.deepEqual(a.tensorNames, b.tensorNames);
    for (const n of a.tensorNames) assert.deepEqual(await b.readF32(n), await a.readF32(n));
    assert.equal(await a.digest(), await b.digest());
  });
});

test('HfCheckpoint.tensorDigest() is sha256 of dtype, shape and the stored bytes', async () => {
  await withTmp(async (dir) => {
    await writeSyntheticWhisperCheckpoint(dir, SMALL);
    await using ck = await HfCheckpoint.open(dir);
    const name = 'model.encoder.conv1.bias';
    await using f = await SafetensorsFile.open(join(dir, 'model.safetensors'));
    const expected = createHash('sha256')
      .update('F32:16\n')
      .update(await f.readRaw(name))
      .digest('hex');
    assert.equal(await ck.tensorDigest(name), expected);
  });
});

test('HfCheckpoint.digest() changes with one weight and with the config, not with key order', async () => {
  await withTmp(async (dir) => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    const c = join(dir, 'c');
    await writeSyntheticWhisperCheckpoint(a, SMALL);
    await writeSyntheticWhisperCheckpoint(b, { ...SMALL, seed: 2 });
    const config = await writeSyntheticWhisperCheckpoint(c, SMALL);
    await using ca = await HfCheckpoint.open(a);
    await using cb = await HfCheckpoint.open(b);
    const digestA = await ca.digest();
    assert.notEqual(digestA, await cb.digest());
    // Same content, config keys reordered → same digest.
    const reversed = Object.fromEntries(Object.entries(config).reverse());
    await writeFile(join(c, 'config.json'), JSON.stringify(reversed));
    {
      await using cc = await HfCheckpoint.open(c);
      assert.equal(await cc.digest(), digestA);
    }
    await writeFile(join(c, 'config.json'), JSON.stringify({ ...config, torch_dtype: 'float16' }));
    await using cc2 = await HfCheckpoint.open(c);
    assert.notEqual(await cc2.digest(), digestA);
  });
});

test('HfCheckpoint.open() lists every tensor problem against the config', async () => {
  await withTmp(async (dir) => {
    const config = await writeSyntheticWhisperCheckpoint(dir, SMALL);
    // Rewrite the weights: drop one tensor, give another a wrong shape, add a k_proj bias.
    await using good = await HfCheckpoint.open(dir);
    const names = good.tensorNames.filter((n) => n !== 'model.encoder.layers.0.fc2.bias');
    const specs = names.map((name) => ({
      name,
      dtype: 'F32' as const,
      shape: name === 'model.decoder.layers.0.fc1.weight' ? [63, 16] : [...good.info(name).shape],
    }));
    specs.push({ name: 'model.encoder.layers.1.self_attn.k_proj.bias', dtype: 'F32', shape: [16] });
    await writeSafetensors(join(dir, 'model.safetensors'), specs, (s) =>
      syntheticTensorValues(
        s.name,
        s.shape.reduce((x, y) => x * y, 1),
        1,
        0,
      ),
    );
    await assert.rejects(HfCheckpoint.open(dir), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'CHECKPOINT_INVALID');
      assert.ok(e.message.includes('3 tensor problem'), e.message);
      return true;
    });
    // Same file with validation off opens.
    await using ck = await HfCheckpoint.open(dir, { validate: false });
    assert.ok(ck.has('model.encoder.layers.1.self_attn.k_proj.bias'));
    // A config that disagrees (e.g. 128 mels) is reported too.
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, num_mel_bins: 128 }));
    await assert.rejects(HfCheckpoint.open(dir), { code: 'CHECKPOINT_INVALID' });
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, d_model: 'big' }));
    await assert.rejects(HfCheckpoint.open(dir), { code: 'CHECKPOINT_INVALID' });
  });
});

test('HfCheckpoint.open() maps missing folder, config and weights to typed errors', async () => {
  await withTmp(async (dir) => {
    await assert.rejects(HfCheckpoint.open(join(dir, 'absent')), { code: 'MODEL_NOT_FOUND' });
    const ck = join(dir, 'ck');
    await writeSyntheticWhisperCheckpoint(ck, SMALL);
    await unlink(join(ck, 'config.json'));
    await assert.rejects(HfCheckpoint.open(ck), { code: 'CHECKPOINT_INVALID' });
    await writeFile(join(ck, 'config.json'), '{not json');
    await assert.rejects(HfCheckpoint.open(ck), { code: 'CHECKPOINT_INVALID' });
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await writeFile(join(empty, 'config.json'), '{}');
    await assert.rejects(HfCheckpoint.open(empty), { code: 'CHECKPOINT_INVALID' });
  });
});

test('HfCheckpoint accepts a longer encoder position table than a short-window config needs, not a shorter one', async () => {
  await withTmp(async (dir) => {
    const config = await writeSyntheticWhisperCheckpoint(dir, SMALL); // 10 positions stored
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, max_source_positions: 6 }));
    {
      await using ck = await HfCheckpoint.open(dir);
      assert.deepEqual(ck.info('model.encoder.embed_positions.weight').shape, [10, 16]);
    }
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, max_source_positions: 12 }));
    await assert.rejects(HfCheckpoint.open(dir), { code: 'CHECKPOINT_INVALID' });
  });
});

test('HfCheckpoint rejects shard indexes that point outside the folder', async () => {
  await withTmp(async (dir) => {
    await writeSyntheticWhisperCheckpoint(dir, { ...SMALL, sharded: true });
    await writeFile(
      join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ weight_map: { 'model.encoder.conv1.bias': '../elsewhere.safetensors' } }),
    );
    await assert.rejects(HfCheckpoint.open(dir, { validate: false }), { code: 'CHECKPOINT_INVALID' });
  });
});

test('HfCheckpoint.close() closes every shard; later reads and digests throw RESOURCE_CLOSED', async () => {
  await withTmp(async (dir) => {
    await writeSyntheticWhisperCheckpoint(dir, { ...SMALL, sharded: true });
    const ck = await HfCheckpoint.open(dir);
    const first = ck.tensorNames[0];
    const last = ck.tensorNames[ck.tensorNames.length - 1];
    await ck.close();
    await ck.close();
    await assert.rejects(ck.readF32(first), { code: 'RESOURCE_CLOSED' });
    await assert.rejects(ck.readF32(last), { code: 'RESOURCE_CLOSED' });
    await assert.rejects(ck.tensorDigest(last), { code: 'RESOURCE_CLOSED' });
  });
});
