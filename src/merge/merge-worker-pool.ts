import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../shared/index.js';
import type {
  MergeExecutor,
  RecycleBuffers,
  StreamStatesJob,
  TaskStatisticJob,
  TaskStatisticResult,
  TensorMergeJob,
  TensorMergeResult,
} from './merge-executor.js';
import { toWire, transferableBuffer, type MergeReply, type MergeRequest } from './merge.messages.js';
import type { TensorMergeInput } from './methods/merge-method.js';

/** Options of {@link MergeWorkerPool}. */
export interface MergeWorkerPoolOptions {
  /** Worker threads (default: available parallelism − 1, at least 1). */
  readonly threadCount?: number;
  /**
   * ORT intra-op threads of each worker's matrix products (SVD-based methods); default
   * ⌊available parallelism / threadCount⌋, at least 1, so the pool's threads fit the cores.
   */
  readonly linalgThreads?: number;
}

/** What a merge worker is started with (its `workerData`). */
export interface MergeWorkerData {
  readonly linalgThreads: number;
}

interface Pending {
  resolve(reply: MergeReply): void;
  reject(e: Error): void;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** Held by a collect session: not returned to the idle list between its messages. */
  isPinned: boolean;
  /** Crashed or exited: out of rotation, replaced by a fresh worker. */
  isDead: boolean;
}

/** A queued job, or a pinned session waiting for a whole worker. */
type QueueEntry =
  | {
      readonly kind: 'job';
      readonly request: MergeRequest;
      readonly transfer: ArrayBuffer[];
      readonly pending: Pending;
    }
  | { readonly kind: 'take'; readonly take: (slot: Slot) => void; readonly reject: (e: Error) => void };

/**
 * Starts a worker on the file beside this module with this module's extension: `.js` in the built
 * dist; `.ts` when running from source through tsx. Node 20 workers do not pick up the `--import
 * tsx` hooks from execArgv, so a `.ts` worker starts from a tiny bootstrap that registers tsx's
 * ESM hooks (a dev dependency, present whenever sources run) and then imports the worker file.
 */
function startWorker(workerData: MergeWorkerData): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  const url = new URL(`./merge.worker${ext}`, import.meta.url);
  if (ext !== '.ts') return new Worker(url, { workerData });
  const bootstrap = `import('tsx/esm/api').then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * A pool of merge workers (CONVENTIONS.md §7), usable as the engine's `MergeExecutor`: tensors
 * are merged off the event loop, in parallel across threads. Input buffers are transferred
 * (detached on this side). Errors come back as `{code, message}` and are rebuilt into AppError.
 * `close()` terminates the workers; later calls throw `RESOURCE_CLOSED`.
 */
export class MergeWorkerPool implements MergeExecutor, AsyncDisposable {
  readonly #slots: Slot[] = [];
  readonly #idle: Slot[] = [];
  readonly #queue: QueueEntry[] = [];
  readonly #workerData: MergeWorkerData;
  #nextJobId = 1;
  #closed = false;

  constructor(options: MergeWorkerPoolOptions = {}) {
    const count = Math.max(1, options.threadCount ?? availableParallelism() - 1);
    const linalgThreads = options.linalgThreads ?? Math.floor(availableParallelism() / count);
    this.#workerData = { linalgThreads: Math.max(1, Math.floor(linalgThreads)) };
    for (let i = 0; i < count; i++) this.#addSlot();
  }

  /** Starts a worker and puts it in rotation. */
  #addSlot(): void {
    const worker = startWorker(this.#workerData);
    const slot: Slot = { worker, pending: new Map(), isPinned: false, isDead: false };
    worker.on('message', (reply: MergeReply) => {
      const p = slot.pending.get(reply.jobId);
      if (p === undefined) return;
      slot.pending.delete(reply.jobId);
      p.resolve(reply);
      if (slot.pending.size === 0) this.#release(slot);
    });
    worker.on('error', (e) => this.#fail(slot, e));
    worker.on('exit', (code) => {
      if (!this.#closed) this.#fail(slot, new Error(`merge worker exited with code ${code}`));
    });
    this.#slots.push(slot);
    this.#idle.push(slot);
    this.#pump();
  }

  /** Number of worker threads. */
  get threadCount(): number {
    return this.#slots.length;
  }

  /** @throws AppError `RESOURCE_CLOSED` after `close()`, the method's error code on failure. */
  async mergeTensor(job: TensorMergeJob): Promise<TensorMergeResult> {
    const { wire, transfer } = toWire(job.input);
    const out = job.out === undefined ? undefined : transferableBuffer(job.out);
    if (out !== undefined && !transfer.includes(out)) transfer.push(out);
    const reply = await this.#submit(
      {
        type: 'merge',
        jobId: 0,
        method: job.method,
        params: job.params,
        stats: job.stats,
        input: wire,
        ...(out === undefined ? {} : { out }),
      },
      transfer,
    );
    if (reply.type !== 'merged')
      throw new AppError('INTERNAL', `Cannot merge ${job.input.name}: unexpected reply ${reply.type}`);
    return {
      data: new Float32Array(reply.result, 0, reply.resultLength),
      isPassThrough: reply.isPassThrough,
      spent: reply.spent,
    };
  }

  /** @throws AppError `RESOURCE_CLOSED` after `close()`, the method's error code on failure. */
  async taskStatistic(job: TaskStatisticJob): Promise<TaskStatisticResult> {
    const delta = transferableBuffer(job.delta);
    const reply = await this.#submit(
      {
        type: 'task-statistic',
        jobId: 0,
        method: job.method,
        params: job.params,
        name: job.name,
        taskIndex: job.taskIndex,
        expertParams: job.expertParams,
        delta,
        length: job.delta.length,
      },
      [delta],
    );
    if (reply.type !== 'statistic')
      throw new AppError(
        'INTERNAL',
        `Cannot compute a statistic of ${job.name}: unexpected reply ${reply.type}`,
      );
    return { value: reply.value, spent: reply.spent };
  }

  /** @throws AppError `RESOURCE_CLOSED` after `close()`. */
  async streamStates(job: StreamStatesJob): Promise<Uint32Array[][]> {
    const reply = await this.#submit(
      { type: 'stream-states', jobId: 0, ...job, starts: [...job.starts] },
      [],
    );
    if (reply.type !== 'stream-states')
      throw new AppError('INTERNAL', `Cannot advance random streams: unexpected reply ${reply.type}`);
    return reply.states;
  }

  /** Runs the first pass on one worker (inputs are transferred one at a time and come back to `recycle`). */
  async collectStats(
    method: string,
    params: unknown,
    inputs: AsyncIterable<TensorMergeInput>,
    recycle?: RecycleBuffers,
  ): Promise<unknown> {
    const slot = await this.#acquire();
    slot.isPinned = true;
    const jobId = this.#nextJobId++;
    const send = (request: MergeRequest, transfer: ArrayBuffer[] = []): Promise<MergeReply> =>
      new Promise<MergeReply>((resolve, reject) => {
        slot.pending.set(jobId, { resolve, reject });
        slot.worker.postMessage(request, transfer);
      }).then(checkReply);
    try {
      await send({ type: 'collect-begin', jobId, method, params });
      for await (const input of inputs) {
        const { wire, transfer } = toWire(input);
        const ack = await send({ type: 'collect-observe', jobId, input: wire }, transfer);
        if (ack.type === 'ack' && ack.spent !== undefined) recycle?.(ack.spent);
      }
      const reply = await send({ type: 'collect-finish', jobId });
      return reply.type === 'collected' ? reply.stats : undefined;
    } finally {
      slot.pending.delete(jobId);
      slot.isPinned = false;
      this.#release(slot);
    }
  }

  /** Terminates every worker; pending jobs reject with `RESOURCE_CLOSED`. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closedError = new AppError('RESOURCE_CLOSED', 'Cannot merge: the worker pool is closed');
    for (const q of this.#queue.splice(0)) (q.kind === 'job' ? q.pending.reject : q.reject)(closedError);
    for (const slot of this.#slots) for (const p of slot.pending.values()) p.reject(closedError);
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new AppError('RESOURCE_CLOSED', 'Cannot merge: the worker pool is closed');
  }

  #submit(request: MergeRequest, transfer: ArrayBuffer[]): Promise<MergeReply> {
    this.#checkOpen();
    const jobId = this.#nextJobId++;
    const withId = { ...request, jobId } as MergeRequest;
    return new Promise<MergeReply>((resolve, reject) => {
      this.#queue.push({ kind: 'job', request: withId, transfer, pending: { resolve, reject } });
      this.#pump();
    }).then(checkReply);
  }

  /** Waits for an idle worker and takes it out of rotation (for a pinned collect session). */
  #acquire(): Promise<Slot> {
    this.#checkOpen();
    const slot = this.#idle.shift();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise<Slot>((resolve, reject) => {
      this.#queue.push({ kind: 'take', take: resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#queue.length > 0 && this.#idle.length > 0) {
      const slot = this.#idle.shift() as Slot;
      const job = this.#queue.shift() as QueueEntry;
      if (job.kind === 'take') {
        job.take(slot);
        continue;
      }
      slot.pending.set(job.request.jobId, job.pending);
      slot.worker.postMessage(job.request, job.transfer);
    }
  }

  #release(slot: Slot): void {
    if (this.#closed || slot.isDead || slot.isPinned || this.#idle.includes(slot) || slot.pending.size > 0)
      return;
    this.#idle.push(slot);
    this.#pump();
  }

  /** Rejects the crashed worker's jobs and replaces it, so the pool keeps its size. */
  #fail(slot: Slot, e: Error): void {
    const error = new AppError('INTERNAL', `Cannot merge: a merge worker failed: ${e.message}`, { cause: e });
    for (const p of slot.pending.values()) p.reject(error);
    slot.pending.clear();
    if (slot.isDead) return;
    slot.isDead = true;
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    const j = this.#idle.indexOf(slot);
    if (j >= 0) this.#idle.splice(j, 1);
    void slot.worker.terminate();
    if (!this.#closed) this.#addSlot();
  }
}

function checkReply(reply: MergeReply): MergeReply {
  if (reply.type === 'failed') throw new AppError(reply.code, reply.message);
  return reply;
}
