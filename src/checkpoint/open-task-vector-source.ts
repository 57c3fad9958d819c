import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '../shared/index.js';
import { CheckpointTaskVector } from './checkpoint-task-vector.js';
import { DeltaTaskVector } from './delta-task-vector.js';
import { HfCheckpoint } from './hf-checkpoint.js';
import { ADAPTER_CONFIG_NAME, LoraTaskVector } from './lora-adapter.js';
import type { TaskVectorSource } from './task-vector-source.js';

/** The file a delta folder holds (a folder with this file and no config.json is a delta). */
export const DELTA_FILE_NAME = 'delta.safetensors';

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Opens a task vector and detects its kind: a `.safetensors` file (or a folder holding
 * `delta.safetensors`) is a delta; a folder with `adapter_config.json` is a PEFT LoRA adapter; a
 * folder with `config.json` is a full fine-tuned checkpoint. Checked against `base` on open.
 * @throws AppError `MODEL_NOT_FOUND` (path absent), `CHECKPOINT_INVALID` (unrecognised or
 * malformed), `MERGE_INPUT_INVALID` / `MERGE_SHAPE_MISMATCH` (does not fit the base).
 */
export async function openTaskVectorSource(path: string, base: HfCheckpoint): Promise<TaskVectorSource> {
  const abs = resolve(path);
  let isDir: boolean;
  try {
    isDir = (await stat(abs)).isDirectory();
  } catch (e) {
    throw new AppError('MODEL_NOT_FOUND', `Cannot open task vector ${abs}: no such file or folder`, {
      cause: e,
    });
  }
  if (!isDir) {
    if (abs.endsWith('.safetensors')) return DeltaTaskVector.open(abs, base);
    throw new AppError(
      'CHECKPOINT_INVALID',
      `Cannot open task vector ${abs}: a file must be a .safetensors delta`,
    );
  }
  if (await isFile(join(abs, ADAPTER_CONFIG_NAME))) return LoraTaskVector.open(abs, base);
  if (await isFile(join(abs, 'config.json'))) {
    const tuned = await HfCheckpoint.open(abs);
    try {
      return CheckpointTaskVector.create(tuned, base);
    } catch (e) {
      await tuned.close();
      throw e;
    }
  }
  if (await isFile(join(abs, DELTA_FILE_NAME))) return DeltaTaskVector.open(join(abs, DELTA_FILE_NAME), base);
  throw new AppError(
    'CHECKPOINT_INVALID',
    `Cannot open task vector ${abs}: expected config.json (checkpoint), ${ADAPTER_CONFIG_NAME} (LoRA) or ${DELTA_FILE_NAME} (delta)`,
  );
}
