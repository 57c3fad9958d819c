/**
 * Worker-thread entry of the merge pool: message dispatch only (CONVENTIONS.md §7); the logic is
 * `createMergeWorkerHandler`, tested on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { configureSharedLinalgBackend } from './linalg/index.js';
import type { MergeRequest } from './merge.messages.js';
import { createMergeWorkerHandler } from './merge-worker-handler.js';
import type { MergeWorkerData } from './merge-worker-pool.js';

// workerData is undefined in a worker started without it (and null on the main thread)
const linalgThreads = (workerData as MergeWorkerData | null | undefined)?.linalgThreads;
if (linalgThreads !== undefined) configureSharedLinalgBackend({ intraOpThreadCount: linalgThreads });

const handle = createMergeWorkerHandler();
const port = parentPort;
if (port !== null) {
  port.on('message', (request: MergeRequest) => {
    void handle(request).then(({ reply, transfer }) => port.postMessage(reply, transfer));
  });
}
