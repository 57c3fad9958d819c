// Public surface of the checkpoint layer (imports only `shared`). Other layers import from here only.
export {
  dtypeByteSize,
  isFloatDType,
  isSafetensorsDType,
  type FloatDType,
  type SafetensorsDType,
} from './safetensors-dtype.js';
export {
  parseHeaderLength,
  parseSafetensorsHeader,
  SAFETENSORS_MAX_HEADER_BYTES,
  type SafetensorsHeader,
  type TensorInfo,
} from './safetensors-header.js';
export { openFileByteSource, type ByteSource } from './byte-source.js';
export { SafetensorsFile, DEFAULT_CHUNK_BYTES } from './safetensors-file.js';
export { elementsOfRows, elementsPerRow, rowCountOf, type RowRange } from './row-range.js';
export { float16ToFloat32TableInto } from './float16-table.js';
export { float32ToFloat16FastInto } from './float16-encode.js';
export { writeSafetensors, type TensorProvider, type TensorSpec } from './write-safetensors.js';
export {
  SafetensorsCollection,
  SAFETENSORS_INDEX_NAME,
  SAFETENSORS_WEIGHTS_NAME,
} from './safetensors-collection.js';
export { canonicalJson, combineDigests, digestTensor, type RawTensorReader } from './tensor-digest.js';
export {
  EMBED_TOKENS_NAME,
  ENCODER_POSITIONS_NAME,
  expectedWhisperTensors,
  PROJ_OUT_NAME,
} from './whisper-tensor-layout.js';
export { HfCheckpoint, TOKENIZER_FILE_NAMES, type HfCheckpointOpenOptions } from './hf-checkpoint.js';
export { assertFiniteTensor } from './assert-finite-tensor.js';
export {
  syntheticTensorValues,
  writeSyntheticWhisperCheckpoint,
  type SyntheticCheckpointOptions,
} from './synthetic-checkpoint.js';
export { type TaskVectorSource } from './task-vector-source.js';
export { assertSameArchitecture, CheckpointTaskVector } from './checkpoint-task-vector.js';
export {
  DELTA_KIND_METADATA_KEY,
  DELTA_KIND_METADATA_VALUE,
  DeltaTaskVector,
  writeDeltaFile,
  type DeltaEntry,
} from './delta-task-vector.js';
export {
  ADAPTER_CONFIG_NAME,
  ADAPTER_WEIGHTS_NAME,
  loraDeltaInto,
  LoraTaskVector,
  parseLoraAdapterConfig,
  type LoraAdapterConfig,
} from './lora-adapter.js';
export { DELTA_FILE_NAME, openTaskVectorSource } from './open-task-vector-source.js';
