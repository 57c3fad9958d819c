import { AppError, isAppError, type ErrorCode } from '../shared/index.js';
import { buffersOf, runStreamStatesJob, runTaskStatisticJob, runTensorMergeJob } from './merge-executor.js';
import { fromWire, type MergeReply, type MergeRequest } from './merge.messages.js';
import type { GlobalStatsCollector } from './methods/merge-method.js';
import { findMergeMethod } from './methods/registry.js';

/** A reply and the buffers to transfer with it. */
export interface HandledReply {
  readonly reply: MergeReply;
  readonly transfer: ArrayBuffer[];
}

function failure(jobId: number, e: unknown): HandledReply {
  const code: ErrorCode = isAppError(e) ? e.code : 'INTERNAL';
  const message = e instanceof Error ? e.message : String(e);
  return { reply: { type: 'failed', jobId, code, message }, transfer: [] };
}

/**
 * The logic of a merge worker, as a plain function (tested on the main thread; `merge.worker.ts`
 * only forwards messages to it). Holds the open first-pass collectors by job id.
 */
export function createMergeWorkerHandler(): (request: MergeRequest) => Promise<HandledReply> {
  const collectors = new Map<number, GlobalStatsCollector<unknown>>();
  return async (request) => {
    try {
      switch (request.type) {
        case 'merge': {
          const { out } = request;
          const { data, isPassThrough, spent } = await runTensorMergeJob({
            method: request.method,
            params: request.params,
            stats: request.stats,
            input: fromWire(request.input),
            ...(out === undefined ? {} : { out: new Float32Array(out, 0, request.input.length) }),
          });
          const result = data.buffer as ArrayBuffer;
          return {
            reply: {
              type: 'merged',
              jobId: request.jobId,
              result,
              resultLength: data.length,
              isPassThrough,
              spent: [...spent],
            },
            transfer: [result, ...spent],
          };
        }
        case 'task-statistic': {
          const { value, spent } = await runTaskStatisticJob({
            method: request.method,
            params: request.params,
            name: request.name,
            taskIndex: request.taskIndex,
            expertParams: request.expertParams,
            delta: new Float32Array(request.delta, 0, request.length),
          });
          return {
            reply: { type: 'statistic', jobId: request.jobId, value, spent: [...spent] },
            transfer: [...spent],
          };
        }
        case 'stream-states': {
          const states = await runStreamStatesJob(request);
          return { reply: { type: 'stream-states', jobId: request.jobId, states }, transfer: [] };
        }
        case 'collect-begin': {
          const method = findMergeMethod(request.method);
          if (method.createCollector === undefined) {
            throw new AppError(
              'INTERNAL',
              `Cannot collect statistics for ${request.method}: it has no first pass`,
            );
          }
          collectors.set(request.jobId, method.createCollector(request.params));
          return { reply: { type: 'ack', jobId: request.jobId }, transfer: [] };
        }
        case 'collect-observe': {
          const collector = collectors.get(request.jobId);
          if (collector === undefined)
            throw new AppError('INTERNAL', `Cannot observe for job ${request.jobId}: not begun`);
          const input = fromWire(request.input);
          collector.observe(input);
          const spent = buffersOf([input.base, ...input.deltas]);
          return { reply: { type: 'ack', jobId: request.jobId, spent }, transfer: spent };
        }
        case 'collect-finish': {
          const collector = collectors.get(request.jobId);
          if (collector === undefined)
            throw new AppError('INTERNAL', `Cannot finish job ${request.jobId}: not begun`);
          collectors.delete(request.jobId);
          return {
            reply: { type: 'collected', jobId: request.jobId, stats: collector.finish() },
            transfer: [],
          };
        }
      }
    } catch (e) {
      if (request.type.startsWith('collect-')) collectors.delete(request.jobId);
      return failure(request.jobId, e);
    }
  };
}
