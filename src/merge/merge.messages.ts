/**
 * Messages between the merge engine and its worker threads (CONVENTIONS.md §7): discriminated
 * unions; tensors cross as ArrayBuffers in the transfer list; errors cross as { code, message }.
 */
import type { ErrorCode } from '../shared/index.js';
import type { TensorKind, TensorMergeInput } from './methods/merge-method.js';

/**
 * A `TensorMergeInput` with its float32 buffers as transferable ArrayBuffers. Each array is the
 * first `length` floats of its buffer (a recycled buffer may be larger than the tensor).
 */
export interface WireTensorInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly kind: TensorKind;
  /** Elements of θ_0 and of each τ_t. */
  readonly length: number;
  readonly base: ArrayBuffer;
  readonly deltas: readonly ArrayBuffer[];
  readonly weights: readonly number[];
  readonly expertParams: readonly Readonly<Record<string, unknown>>[];
  readonly seed: number;
  readonly isSvdExcluded: boolean;
  readonly firstElement?: number;
  readonly taskStatistics?: Float64Array;
  readonly streamStates?: readonly Uint32Array[];
}

/** Requests to a worker. `collect-*` requests of one job go to the same worker, in order. */
export type MergeRequest =
  | {
      type: 'merge';
      jobId: number;
      method: string;
      params: unknown;
      stats: unknown;
      input: WireTensorInput;
      /** Buffer to write the result into (its first `input.length` floats), lent by the engine. */
      out?: ArrayBuffer;
    }
  | {
      type: 'task-statistic';
      jobId: number;
      method: string;
      params: unknown;
      name: string;
      taskIndex: number;
      expertParams: readonly Readonly<Record<string, unknown>>[];
      /** τ_t: the first `length` floats. */
      delta: ArrayBuffer;
      length: number;
    }
  | {
      type: 'stream-states';
      jobId: number;
      seed: number;
      taskCount: number;
      drawsPerElement: number;
      starts: number[];
    }
  | { type: 'collect-begin'; jobId: number; method: string; params: unknown }
  | { type: 'collect-observe'; jobId: number; input: WireTensorInput }
  | { type: 'collect-finish'; jobId: number };

/**
 * Replies from a worker; every request gets exactly one. `spent`: the request's buffers the
 * worker is done with, transferred back for reuse.
 */
export type MergeReply =
  | {
      type: 'merged';
      jobId: number;
      /** The merged tensor: the first `resultLength` floats. */
      result: ArrayBuffer;
      resultLength: number;
      isPassThrough: boolean;
      spent: ArrayBuffer[];
    }
  | { type: 'statistic'; jobId: number; value: number; spent: ArrayBuffer[] }
  | { type: 'stream-states'; jobId: number; states: Uint32Array[][] }
  | { type: 'ack'; jobId: number; spent?: ArrayBuffer[] }
  | { type: 'collected'; jobId: number; stats: unknown }
  | { type: 'failed'; jobId: number; code: ErrorCode; message: string };

/**
 * A buffer whose first `a.length` floats are `a`: `a`'s own buffer (transferred whole, as the
 * executor contract allows) when `a` starts at its offset 0, else a copy (a view into the middle
 * of someone's buffer, e.g. Node's shared Buffer pool, must never be detached).
 */
export function transferableBuffer(a: Float32Array): ArrayBuffer {
  if (a.byteOffset === 0 && a.buffer instanceof ArrayBuffer) return a.buffer;
  return a.slice().buffer as ArrayBuffer;
}

/** Converts an input for posting; returns the message part and its transfer list. */
export function toWire(input: TensorMergeInput): { wire: WireTensorInput; transfer: ArrayBuffer[] } {
  const base = transferableBuffer(input.base);
  const deltas = input.deltas.map(transferableBuffer);
  const transfer = [...new Set([base, ...deltas])];
  return {
    wire: {
      name: input.name,
      shape: input.shape,
      kind: input.kind,
      length: input.base.length,
      base,
      deltas,
      weights: Array.from(input.weights),
      expertParams: input.expertParams,
      seed: input.seed,
      isSvdExcluded: input.isSvdExcluded,
      ...(input.firstElement === undefined ? {} : { firstElement: input.firstElement }),
      ...(input.taskStatistics === undefined ? {} : { taskStatistics: input.taskStatistics }),
      ...(input.streamStates === undefined ? {} : { streamStates: input.streamStates }),
    },
    transfer,
  };
}

/** Rebuilds the input on the receiving side (no copies). */
export function fromWire(wire: WireTensorInput): TensorMergeInput {
  return {
    name: wire.name,
    shape: wire.shape,
    kind: wire.kind,
    base: new Float32Array(wire.base, 0, wire.length),
    deltas: wire.deltas.map((d) => new Float32Array(d, 0, wire.length)),
    weights: Float64Array.from(wire.weights),
    expertParams: wire.expertParams,
    seed: wire.seed,
    isSvdExcluded: wire.isSvdExcluded,
    ...(wire.firstElement === undefined ? {} : { firstElement: wire.firstElement }),
    ...(wire.taskStatistics === undefined ? {} : { taskStatistics: wire.taskStatistics }),
    ...(wire.streamStates === undefined ? {} : { streamStates: wire.streamStates }),
  };
}
