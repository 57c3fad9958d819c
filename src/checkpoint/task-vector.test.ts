import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../shared/index.js';
import { HfCheckpoint } from './hf-checkpoint.js';
import { openTaskVectorSource } from './open-task-vector-source.js';
import { writeDeltaFile } from './delta-task-vector.js';
import { runTaskVectorSourceContract } from './task-vector-source-contract.js';
import { writeSyntheticWhisperCheckpoint } from './synthetic-checkpoint.js';
import { writeSafetensors, type TensorSpec } from './write-safetensors.js';

const SMALL = {
  dModel: 16,
  encoderLayers: 1,
  decoderLayers: 1,
  attentionHeads: 2,
  vocabSize: 40,
  maxSourcePositions: 8,
};

async function withBase<T>(fn: (dir: string, base: HfCheckpoint) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'chorus-tv-'));
  try {
    await writeSyntheticWhisperCheckpoint(join(dir, 'base'), SMALL);
    const base = await HfCheckpoint.open(join(dir, 'base'));
    try {
      return await fn(dir, base);
    } finally {
      await base.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Deterministic test values, independent of the code under test. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.fround(Math.sin(seed * 12.9898 + i * 78.233) * 0.5);
  return out;
}

function assertClose(got: Float32Array, want: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++)
    assert.ok(Math.abs(got[i] - want[i]) <= tol, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

test('checkpoint task vector: delta = θ_t − θ_0 per tensor; identical tensors are null', async () => {
  await withBase(async (dir, base) => {
    await writeSyntheticWhisperCheckpoint(join(dir, 'same'), SMALL);
    await writeSyntheticWhisperCheckpoint(join(dir, 'tuned'), { ...SMALL, seed: 2 });
    await using same = await openTaskVectorSource(join(dir, 'same'), base);
    assert.equal(same.kind, 'checkpoint');
    assert.equal(await same.readDeltaF32('model.encoder.conv1.weight'), null);
    await using tv = await openTaskVectorSource(join(dir, 'tuned'), base);
    await using tuned = await HfCheckpoint.open(join(dir, 'tuned'));
    assert.deepEqual(tv.names(), base.tensorNames);
    for (const name of ['model.encoder.conv1.weight', 'model.decoder.layers.0.fc2.bias']) {
      const t = await tuned.readF32(name);
      const b = await base.readF32(name);
      const want = Array.from(t, (x, i) => Math.fround(x - b[i]));
      assertClose((await tv.readDeltaF32(name)) as Float32Array, want, 0, name);
      // Passing the base tensor gives the same result and leaves it untouched.
      const bCopy = b.slice();
      assertClose((await tv.readDeltaF32(name, b)) as Float32Array, want, 0, name);
      assert.deepEqual(b, bCopy);
      assert.deepEqual(tv.shape(name), base.info(name).shape);
    }
    assert.notEqual(await tv.digest(), await same.digest());
    assert.equal(await same.digest(), await base.digest());
  });
});

test('checkpoint task vector: an explicit proj_out in the fine-tune is a delta against the tied base', async () => {
  await withBase(async (dir, base) => {
    await writeSyntheticWhisperCheckpoint(join(dir, 'tuned'), { ...SMALL, seed: 3, storeProjOut: true });
    await using tv = await openTaskVectorSource(join(dir, 'tuned'), base);
    assert.ok(tv.has('proj_out.weight'));
    await using tuned = await HfCheckpoint.open(join(dir, 'tuned'));
    const t = await tuned.readF32('proj_out.weight');
    const b = await base.readF32('model.decoder.embed_tokens.weight');
    assertClose(
      (await tv.readDeltaF32('proj_out.weight')) as Float32Array,
      Array.from(t, (x, i) => x - b[i]),
      1e-7,
      'proj_out',
    );
  });
});

test('checkpoint task vector: a different architecture is MERGE_SHAPE_MISMATCH', async () => {
  await withBase(async (dir, base) => {
    await writeSyntheticWhisperCheckpoint(join(dir, 'heads'), { ...SMALL, attentionHeads: 4 });
    await assert.rejects(openTaskVectorSource(join(dir, 'heads'), base), { code: 'MERGE_SHAPE_MISMATCH' });
    await writeSyntheticWhisperCheckpoint(join(dir, 'vocab'), { ...SMALL, vocabSize: 41 });
    await assert.rejects(openTaskVectorSource(join(dir, 'vocab'), base), { code: 'MERGE_SHAPE_MISMATCH' });
  });
});

test('delta files: writeDeltaFile() subset in F16 reads back rounded; names are the subset', async () => {
  await withBase(async (dir, base) => {
    const names = ['model.encoder.layers.0.fc1.weight', 'model.decoder.layer_norm.bias'];
    const data = names.map((n, i) => values(base.info(n).elementCount, i + 1));
    const path = join(dir, 'legal.safetensors');
    await writeDeltaFile(
      path,
      names.map((name, i) => ({ name, shape: base.info(name).shape, read: () => data[i] })),
      'F16',
      { base: 'synthetic' },
    );
    await using tv = await openTaskVectorSource(path, base);
    assert.equal(tv.kind, 'delta');
    assert.deepEqual(tv.names(), [...names].sort());
    assert.equal(await tv.readDeltaF32('model.encoder.conv1.weight'), null);
    for (let i = 0; i < names.length; i++) {
      const want = Array.from(data[i], (x) => float16BitsToFloat32(float32ToFloat16Bits(x)));
      assertClose((await tv.readDeltaF32(names[i])) as Float32Array, want, 0, names[i]);
    }
    // The same file in a folder as delta.safetensors is detected too, with the same digest.
    await mkdir(join(dir, 'folder'));
    await writeDeltaFile(
      join(dir, 'folder', 'delta.safetensors'),
      names.map((name, i) => ({ name, shape: base.info(name).shape, read: () => data[i] })),
      'F16',
    );
    await using tv2 = await openTaskVectorSource(join(dir, 'folder'), base);
    assert.equal(tv2.kind, 'delta');
    assert.equal(await tv2.digest(), await tv.digest());
  });
});

test('delta files: unknown tensors and wrong shapes are refused', async () => {
  await withBase(async (dir, base) => {
    const unknown = join(dir, 'unknown.safetensors');
    await writeDeltaFile(
      unknown,
      [{ name: 'model.encoder.nope', shape: [2], read: () => new Float32Array(2) }],
      'F32',
    );
    await assert.rejects(openTaskVectorSource(unknown, base), { code: 'MERGE_INPUT_INVALID' });
    const shape = join(dir, 'shape.safetensors');
    await writeDeltaFile(
      shape,
      [{ name: 'model.encoder.conv1.bias', shape: [15], read: () => new Float32Array(15) }],
      'F32',
    );
    await assert.rejects(openTaskVectorSource(shape, base), { code: 'MERGE_SHAPE_MISMATCH' });
  });
});

/** Reference ΔW = scale · B · A by the textbook triple loop (float64). */
function referenceBA(
  b: Float32Array,
  a: Float32Array,
  out: number,
  r: number,
  cols: number,
  scale: number,
): number[] {
  const w = new Array<number>(out * cols).fill(0);
  for (let i = 0; i < out; i++)
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += b[i * r + k] * a[k * cols + j];
      w[i * cols + j] = scale * s;
    }
  return w;
}

function transpose(m: number[], rows: number, cols: number): number[] {
  const t = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j];
  return t;
}

async function writeAdapter(
  dir: string,
  config: Record<string, unknown>,
  tensors: { name: string; shape: number[]; data: Float32Array }[],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'adapter_config.json'),
    JSON.stringify({ peft_type: 'LORA', target_modules: ['q_proj', 'fc1'], ...config }),
  );
  const specs: TensorSpec[] = tensors.map((t) => ({ name: t.name, dtype: 'F32', shape: t.shape }));
  await writeSafetensors(join(dir, 'adapter_model.safetensors'), specs, (_s, i) => tensors[i].data);
}

test('LoRA adapter: ΔW = (alpha/r)·B·A for linear, conv and embedding modules, mapped to HF names', async () => {
  await withBase(async (dir, base) => {
    const r = 4;
    const d = 16;
    const ffn = 64;
    const P = 'base_model.model.';
    const qA = values(r * d, 1);
    const qB = values(d * r, 2);
    const fA = values(r * d, 3);
    const fB = values(ffn * r, 4);
    const cA = values(r * 80 * 3, 5);
    const cB = values(d * r, 6);
    const eA = values(r * 40, 7);
    const eB = values(d * r, 8);
    const head = values(40 * d, 9);
    await writeAdapter(join(dir, 'lora'), { r, lora_alpha: 8 }, [
      { name: `${P}model.encoder.layers.0.self_attn.q_proj.lora_A.weight`, shape: [r, d], data: qA },
      { name: `${P}model.encoder.layers.0.self_attn.q_proj.lora_B.weight`, shape: [d, r], data: qB },
      { name: `${P}model.decoder.layers.0.fc1.lora_A.weight`, shape: [r, d], data: fA },
      { name: `${P}model.decoder.layers.0.fc1.lora_B.weight`, shape: [ffn, r], data: fB },
      { name: `${P}model.encoder.conv1.lora_A.weight`, shape: [r, 80, 3], data: cA },
      { name: `${P}model.encoder.conv1.lora_B.weight`, shape: [d, r, 1], data: cB },
      { name: `${P}model.decoder.embed_tokens.lora_embedding_A`, shape: [r, 40], data: eA },
      { name: `${P}model.decoder.embed_tokens.lora_embedding_B`, shape: [d, r], data: eB },
      { name: `${P}proj_out.modules_to_save.weight`, shape: [40, d], data: head },
    ]);
    await using tv = await openTaskVectorSource(join(dir, 'lora'), base);
    assert.equal(tv.kind, 'lora');
    assert.deepEqual(tv.names(), [
      'model.decoder.embed_tokens.weight',
      'model.decoder.layers.0.fc1.weight',
      'model.encoder.conv1.weight',
      'model.encoder.layers.0.self_attn.q_proj.weight',
      'proj_out.weight',
    ]);
    const scale = 8 / r;
    const tol = 1e-6;
    assertClose(
      (await tv.readDeltaF32('model.encoder.layers.0.self_attn.q_proj.weight'))!,
      referenceBA(qB, qA, d, r, d, scale),
      tol,
      'q',
    );
    assertClose(
      (await tv.readDeltaF32('model.decoder.layers.0.fc1.weight'))!,
      referenceBA(fB, fA, ffn, r, d, scale),
      tol,
      'fc1',
    );
    assertClose(
      (await tv.readDeltaF32('model.encoder.conv1.weight'))!,
      referenceBA(cB, cA, d, r, 240, scale),
      tol,
      'conv1',
    );
    assertClose(
      (await tv.readDeltaF32('model.decoder.embed_tokens.weight'))!,
      transpose(referenceBA(eB, eA, d, r, 40, scale), d, 40),
      tol,
      'embed',
    );
    const embed = await base.readF32('model.decoder.embed_tokens.weight');
    assertClose(
      (await tv.readDeltaF32('proj_out.weight'))!,
      Array.from(head, (x, i) => x - embed[i]),
      1e-7,
      'proj_out',
    );
    assert.equal(await tv.readDeltaF32('model.encoder.layers.0.fc1.weight'), null);
    // Blocks of rows (the transposed embedding, the conv kernel, modules_to_save) match too.
    await runTaskVectorSourceContract(await openTaskVectorSource(join(dir, 'lora'), base), base);
  });
});

test('LoRA adapter: use_rslora scales by alpha/√r, fan_in_fan_out transposes, rank_pattern/alpha_pattern apply', async () => {
  await withBase(async (dir, base) => {
    const d = 16;
    const P = 'base_model.model.';
    const A = values(4 * d, 11);
    const B = values(d * 4, 12);
    const A2 = values(2 * d, 13);
    const B2 = values(d * 2, 14);
    await writeAdapter(
      join(dir, 'rs'),
      {
        r: 4,
        lora_alpha: 6,
        use_rslora: true,
        fan_in_fan_out: true,
        rank_pattern: { 'layers.0.self_attn.v_proj': 2 },
        alpha_pattern: { v_proj: 3 },
      },
      [
        { name: `${P}model.encoder.layers.0.self_attn.q_proj.lora_A.weight`, shape: [4, d], data: A },
        { name: `${P}model.encoder.layers.0.self_attn.q_proj.lora_B.weight`, shape: [d, 4], data: B },
        { name: `${P}model.encoder.layers.0.self_attn.v_proj.lora_A.weight`, shape: [2, d], data: A2 },
        { name: `${P}model.encoder.layers.0.self_attn.v_proj.lora_B.weight`, shape: [d, 2], data: B2 },
      ],
    );
    await using tv = await openTaskVectorSource(join(dir, 'rs'), base);
    const q = referenceBA(B, A, d, 4, d, 6 / Math.sqrt(4));
    assertClose(
      (await tv.readDeltaF32('model.encoder.layers.0.self_attn.q_proj.weight'))!,
      transpose(q, d, d),
      1e-6,
      'q',
    );
    const v = referenceBA(B2, A2, d, 2, d, 3 / Math.sqrt(2));
    assertClose(
      (await tv.readDeltaF32('model.encoder.layers.0.self_attn.v_proj.weight'))!,
      transpose(v, d, d),
      1e-6,
      'v',
    );
    await runTaskVectorSourceContract(await openTaskVectorSource(join(dir, 'rs'), base), base);
  });
});

test('LoRA adapter: keys without the ForConditionalGeneration "model." level and with an adapter name map to HF names', async () => {
  await withBase(async (dir, base) => {
    const d = 16;
    const A = values(2 * d, 21);
    const B = values(d * 2, 22);
    await writeAdapter(join(dir, 'variants'), { r: 2, lora_alpha: 2 }, [
      // adapter trained on WhisperModel: no "model." level inside base_model.model
      { name: 'base_model.model.encoder.layers.0.self_attn.q_proj.lora_A.weight', shape: [2, d], data: A },
      { name: 'base_model.model.encoder.layers.0.self_attn.q_proj.lora_B.weight', shape: [d, 2], data: B },
      // saved without removing the adapter name
      {
        name: 'base_model.model.model.decoder.layers.0.self_attn.v_proj.lora_A.default.weight',
        shape: [2, d],
        data: A,
      },
      {
        name: 'base_model.model.model.decoder.layers.0.self_attn.v_proj.lora_B.default.weight',
        shape: [d, 2],
        data: B,
      },
    ]);
    await using tv = await openTaskVectorSource(join(dir, 'variants'), base);
    assert.deepEqual(tv.names(), [
      'model.decoder.layers.0.self_attn.v_proj.weight',
      'model.encoder.layers.0.self_attn.q_proj.weight',
    ]);
    const want = referenceBA(B, A, d, 2, d, 1);
    assertClose((await tv.readDeltaF32('model.encoder.layers.0.self_attn.q_proj.weight'))!, want, 1e-6, 'q');
    assertClose((await tv.readDeltaF32('model.decoder.layers.0.self_attn.v_proj.weight'))!, want, 1e-6, 'v');
  });
});

test('LoRA adapter: inconsistent or unsupported adapters are refused with typed errors', async () => {
  await withBase(async (dir, base) => {
    const d = 16;
    const P = 'base_model.model.';
    const pair = (module: string, r: number) => [
      { name: `${P}${module}.lora_A.weight`, shape: [r, d], data: values(r * d, 1) },
      { name: `${P}${module}.lora_B.weight`, shape: [d, r], data: values(d * r, 2) },
    ];
    const q = 'model.encoder.layers.0.self_attn.q_proj';
    const cases: [
      string,
      Record<string, unknown>,
      { name: string; shape: number[]; data: Float32Array }[],
      string,
    ][] = [
      ['rank', { r: 8, lora_alpha: 8 }, pair(q, 4), 'CHECKPOINT_INVALID'],
      ['unpaired', { r: 4, lora_alpha: 8 }, pair(q, 4).slice(0, 1), 'CHECKPOINT_INVALID'],
      [
        'unknown',
        { r: 4, lora_alpha: 8 },
        pair('model.encoder.layers.7.self_attn.q_proj', 4),
        'MERGE_INPUT_INVALID',
      ],
      ['dora', { r: 4, lora_alpha: 8, use_dora: true }, pair(q, 4), 'MERGE_INPUT_INVALID'],
      ['ia3', { r: 4, lora_alpha: 8, peft_type: 'IA3' }, pair(q, 4), 'MERGE_INPUT_INVALID'],
      ['noalpha', { r: 4 }, pair(q, 4), 'CHECKPOINT_INVALID'],
      ['shape', { r: 4, lora_alpha: 8 }, pair('model.decoder.layers.0.fc1', 4), 'MERGE_SHAPE_MISMATCH'],
    ];
    for (const [name, config, tensors, code] of cases) {
      await writeAdapter(join(dir, name), config, tensors);
      await assert.rejects(openTaskVectorSource(join(dir, name), base), { code }, name);
    }
  });
});

test('openTaskVectorSource() maps missing and unrecognisable paths to typed errors', async () => {
  await withBase(async (dir, base) => {
    await assert.rejects(openTaskVectorSource(join(dir, 'absent'), base), { code: 'MODEL_NOT_FOUND' });
    await mkdir(join(dir, 'empty'));
    await assert.rejects(openTaskVectorSource(join(dir, 'empty'), base), { code: 'CHECKPOINT_INVALID' });
    await writeFile(join(dir, 'notes.txt'), 'x');
    await assert.rejects(openTaskVectorSource(join(dir, 'notes.txt'), base), { code: 'CHECKPOINT_INVALID' });
  });
});

test('every TaskVectorSource kind passes the contract suite', async () => {
  await withBase(async (dir, base) => {
    await writeSyntheticWhisperCheckpoint(join(dir, 'tuned'), { ...SMALL, seed: 5 });
    const deltaPath = join(dir, 'delta.safetensors');
    const names = ['model.encoder.layers.0.fc1.weight', 'model.decoder.layers.0.self_attn.q_proj.bias'];
    await writeDeltaFile(
      deltaPath,
      names.map((name, i) => ({
        name,
        shape: base.info(name).shape,
        read: () => values(base.info(name).elementCount, i),
      })),
      'BF16',
    );
    const d = 16;
    await writeAdapter(join(dir, 'lora'), { r: 2, lora_alpha: 4 }, [
      {
        name: 'base_model.model.model.encoder.layers.0.fc1.lora_A.weight',
        shape: [2, d],
        data: values(2 * d, 1),
      },
      {
        name: 'base_model.model.model.encoder.layers.0.fc1.lora_B.weight',
        shape: [64, 2],
        data: values(128, 2),
      },
    ]);
    for (const path of [join(dir, 'tuned'), deltaPath, join(dir, 'lora')]) {
      await runTaskVectorSourceContract(await openTaskVectorSource(path, base), base);
    }
  });
});
