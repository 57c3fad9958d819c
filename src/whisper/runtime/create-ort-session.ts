/**
 * Creates ONNX Runtime sessions with the execution-provider policy of chorus: CUDA when asked for
 * and its binaries are installed (`ONNXRUNTIME_NODE_INSTALL=cuda12` at npm install time), else
 * CPU with a logged warning; the device that really runs is reported back.
 */
import * as ort from 'onnxruntime-node';
import { AppError } from '../../shared/index.js';
import { ONNX_FLOAT, OnnxGraphBuilder, buildModel } from '../graph/onnx-graph-builder.js';

function probeModelBytes(): Uint8Array {
  const b = new OnnxGraphBuilder('device_probe');
  b.input('x', ONNX_FLOAT, [1]);
  b.node('Identity', ['x'], ['y']);
  b.output('y', ONNX_FLOAT, [1]);
  return buildModel(b, { onnx: 17 }).modelBytes;
}

/** Execution device requested / in use. */
export type WhisperDevice = 'cpu' | 'cuda';

/** The logging surface the runtime needs (pino's `logger.warn(obj, msg)` fits). */
export interface RuntimeLogger {
  warn(details: object, message: string): void;
}

/** Session options shared by every Whisper session of one model. */
export interface OrtSessionOptions {
  readonly device?: WhisperDevice;
  /** Threads for one operator (ORT `intraOpNumThreads`); default: ORT's choice (physical cores). */
  readonly intraOpThreads?: number;
  /**
   * Let ORT's intra-op threads spin-wait between kernels (ORT's default). Off by default here: a
   * server runs many sessions on shared cores, where spinning threads steal CPU from working ones
   * (bench: a tiny decoder step on a loaded 2-core host took 37 ms without spinning vs 70 ms with).
   */
  readonly allowSpinning?: boolean;
  readonly logger?: RuntimeLogger;
}

/** A model given as bytes + in-memory external data, or as a file path (external data beside it). */
export type OrtModelSource =
  | {
      readonly modelBytes: Uint8Array;
      readonly externalData: readonly { readonly path: string; readonly data: Uint8Array }[];
    }
  | { readonly path: string };

/** A created session and the device it runs on. */
export interface OrtSessionHandle {
  readonly session: ort.InferenceSession;
  readonly device: WhisperDevice;
}

async function createOn(
  source: OrtModelSource,
  device: WhisperDevice,
  options: OrtSessionOptions,
): Promise<ort.InferenceSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    // A missing CUDA provider is expected on CPU hosts: its error reaches our logged warning, so
    // ORT's own stderr line is silenced for the CUDA attempt only.
    ...(device === 'cuda' ? { logSeverityLevel: 4 as const } : {}),
    graphOptimizationLevel: 'all',
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: options.allowSpinning === true ? '1' : '0' } } },
    ...(options.intraOpThreads !== undefined ? { intraOpNumThreads: options.intraOpThreads } : {}),
  };
  if ('path' in source) return ort.InferenceSession.create(source.path, sessionOptions);
  return ort.InferenceSession.create(source.modelBytes, {
    ...sessionOptions,
    externalData: source.externalData.map((e) => ({ path: e.path, data: e.data })),
  });
}

/**
 * Creates a session on the requested device; a CUDA failure falls back to CPU with a warning.
 * @throws AppError RUNTIME_UNAVAILABLE when ONNX Runtime rejects the model on CPU too
 */
export async function createOrtSession(
  source: OrtModelSource,
  options: OrtSessionOptions = {},
): Promise<OrtSessionHandle> {
  const wanted = options.device ?? 'cpu';
  if (wanted === 'cuda') {
    try {
      return { session: await createOn(source, 'cuda', options), device: 'cuda' };
    } catch (e) {
      options.logger?.warn(
        { err: (e as Error).message, device: 'cuda' },
        'CUDA execution provider unavailable (install with ONNXRUNTIME_NODE_INSTALL=cuda12); falling back to CPU',
      );
    }
  }
  try {
    return { session: await createOn(source, 'cpu', options), device: 'cpu' };
  } catch (e) {
    throw new AppError('RUNTIME_UNAVAILABLE', `Cannot create ONNX Runtime session: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/**
 * The device sessions will really run on: 'cuda' only when asked for and a probe session on the
 * CUDA execution provider can be created; otherwise 'cpu' (with a logged warning if CUDA was asked).
 */
export async function resolveDevice(options: OrtSessionOptions = {}): Promise<WhisperDevice> {
  if ((options.device ?? 'cpu') === 'cpu') return 'cpu';
  const probe = await createOrtSession(PROBE_MODEL, options);
  await probe.session.release();
  return probe.device;
}

// A one-node graph (Identity) that only checks the execution provider loads.
const PROBE_MODEL: OrtModelSource = {
  get modelBytes(): Uint8Array {
    return probeModelBytes();
  },
  externalData: [],
};

/**
 * Runs a session and wraps ONNX Runtime failures.
 * @throws AppError INTERNAL with the ORT error as cause
 */
export async function runOrtSession(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  what: string,
  fetches?: readonly string[],
): Promise<ort.InferenceSession.ReturnType> {
  try {
    return fetches === undefined ? await session.run(feeds) : await session.run(feeds, [...fetches]);
  } catch (e) {
    throw new AppError('INTERNAL', `Cannot run ${what}: ${(e as Error).message}`, { cause: e });
  }
}
