/**
 * The contract suite every registered `MergeMethod` runs (CONVENTIONS.md §9, one suite per
 * interface). Call `runMergeMethodContract(method)` from a `*.test.ts` file; it declares node:test
 * cases. A scenario that cannot apply (e.g. no `lambda` parameter) is skipped with a reason.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyTensor } from '../tensor-kind.js';
import type { MergeMethod, TensorMergeInput } from './merge-method.js';

/** Fields of a test input; the rest is derived. */
export interface TestTensorInputSpec {
  readonly name?: string;
  readonly shape: readonly number[];
  readonly base: Float32Array;
  readonly deltas: readonly Float32Array[];
  readonly weights?: readonly number[];
  readonly expertParams?: readonly Readonly<Record<string, unknown>>[];
  readonly seed?: number;
  readonly isSvdExcluded?: boolean;
}

/** Builds a `TensorMergeInput` for tests and benches (kind from name and shape, unit weights, seed 1). */
export function makeTensorMergeInput(spec: TestTensorInputSpec): TensorMergeInput {
  const name = spec.name ?? 'model.encoder.layers.0.fc1.weight';
  return {
    name,
    shape: spec.shape,
    kind: classifyTensor(name, spec.shape),
    base: spec.base,
    deltas: spec.deltas,
    weights: Float64Array.from(spec.weights ?? spec.deltas.map(() => 1)),
    expertParams: spec.expertParams ?? spec.deltas.map(() => ({})),
    seed: spec.seed ?? 1,
    isSvdExcluded: spec.isSvdExcluded ?? false,
  };
}

/** Runs a method on one tensor, with its first pass when it has a collector (test helper). */
export async function runMethodOnTensor<P, S>(
  method: MergeMethod<P, S>,
  input: TensorMergeInput,
  params: P,
): Promise<Float32Array> {
  let stats = undefined as S;
  if (method.createCollector !== undefined) {
    const collector = method.createCollector(params);
    collector.observe(input);
    stats = collector.finish();
  }
  const out = new Float32Array(input.base.length);
  await method.mergeTensorInto(out, input, params, stats);
  return out;
}

/** A deterministic pseudo-random tensor in [−amplitude, amplitude] (LCG; no Math.random in tests). */
export function pseudoRandomTensor(length: number, seed: number, amplitude = 1): Float32Array {
  const out = new Float32Array(length);
  let s = (seed * 2_654_435_761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    out[i] = ((s / 4_294_967_296) * 2 - 1) * amplitude;
  }
  return out;
}

/** Options of {@link runMergeMethodContract}. */
export interface MergeMethodContractOptions {
  /** Raw parameters to use (default `{}`: the schema's defaults). */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Absolute tolerance for "equals base" checks (default 1e-6). */
  readonly tolerance?: number;
  /** Minimum number of experts the method needs (default 1). */
  readonly minExperts?: number;
}

const SHAPES: readonly { name: string; shape: number[] }[] = [
  { name: 'model.encoder.layers.0.fc1.weight', shape: [24, 16] },
  { name: 'model.decoder.layers.1.self_attn.q_proj.weight', shape: [16, 24] },
  { name: 'model.encoder.layers.0.fc1.bias', shape: [24] },
  { name: 'model.encoder.conv2.weight', shape: [8, 6, 3] },
  { name: 'model.decoder.embed_tokens.weight', shape: [40, 16] },
];

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function inputsFor(taskCount: number, seed: number, zeroDeltas: boolean): TensorMergeInput[] {
  return SHAPES.map(({ name, shape }, s) => {
    const n = numel(shape);
    return makeTensorMergeInput({
      name,
      shape,
      base: pseudoRandomTensor(n, seed * 31 + s, 0.5),
      deltas: Array.from({ length: taskCount }, (_, t) =>
        zeroDeltas ? new Float32Array(n) : pseudoRandomTensor(n, seed * 977 + s * 17 + t + 1, 0.05),
      ),
      seed: 1000 + s,
      isSvdExcluded: name.includes('embed_tokens'),
    });
  });
}

function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
      assert.fail(`${what}: index ${i}: ${actual[i]} vs ${expected[i]}`);
    }
  }
}

/** Declares the contract tests for one method. */
export function runMergeMethodContract<P, S>(
  method: MergeMethod<P, S>,
  options: MergeMethodContractOptions = {},
): void {
  const raw = options.params ?? {};
  const tolerance = options.tolerance ?? 1e-6;
  const minExperts = options.minExperts ?? 1;
  const taskCounts = [1, 2, 4].filter((t) => t >= minExperts);
  const parse = (extra: Record<string, unknown> = {}): P => method.paramsSchema.parse({ ...raw, ...extra });

  test(`${method.name}: contract: parameters parse with defaults and unknown keys are rejected`, () => {
    parse();
    assert.equal(method.paramsSchema.safeParse({ ...raw, surely_not_a_parameter: 1 }).success, false);
  });

  test(`${method.name}: contract: zero task vectors give the base`, async () => {
    for (const taskCount of taskCounts) {
      for (const input of inputsFor(taskCount, 3, true)) {
        const out = await runMethodOnTensor(method, input, parse());
        assertClose(out, input.base, tolerance, `${input.name} T=${taskCount}`);
      }
    }
  });

  test(`${method.name}: contract: output is finite, deterministic, and inputs are not modified`, async () => {
    for (const taskCount of taskCounts) {
      for (const input of inputsFor(taskCount, 5, false)) {
        const baseCopy = Float32Array.from(input.base);
        const deltaCopies = input.deltas.map((d) => Float32Array.from(d));
        const first = await runMethodOnTensor(method, input, parse());
        const second = await runMethodOnTensor(method, input, parse());
        for (let i = 0; i < first.length; i++)
          assert.ok(Number.isFinite(first[i]), `${input.name}[${i}] is not finite`);
        assert.deepEqual(
          new Uint32Array(second.buffer),
          new Uint32Array(first.buffer),
          `${input.name}: two runs differ`,
        );
        assert.deepEqual(input.base, baseCopy, `${input.name}: base was modified`);
        input.deltas.forEach((d, t) =>
          assert.deepEqual(d, deltaCopies[t], `${input.name}: delta ${t} was modified`),
        );
      }
    }
  });

  // The global scale is `lambda` in the recipe examples (mergekit) and `scale` in the subspace methods.
  const scaleKey = ['lambda', 'scale'].find(
    (key) => method.paramsSchema.safeParse({ ...raw, [key]: 0 }).success,
  );
  test(
    `${method.name}: contract: a zero scale (lambda/scale = 0) gives the base`,
    scaleKey !== undefined
      ? {}
      : { skip: 'the method has no lambda/scale parameter (parameter-space method)' },
    async () => {
      for (const input of inputsFor(Math.max(2, minExperts), 7, false)) {
        const out = await runMethodOnTensor(method, input, parse({ [scaleKey as string]: 0 }));
        assertClose(out, input.base, tolerance, input.name);
      }
    },
  );
}
