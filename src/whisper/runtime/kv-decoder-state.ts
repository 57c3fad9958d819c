/**
 * The per-request decoder state of both runtimes: self-attention K/V per decoder layer
 * [rows, H, past, hd] and the cross-attention K/V per layer [rows, H, T, hd] (or, for optimum
 * models before their first step, the encoder hidden states per row). Immutable: steps and
 * reorders return new states.
 */
import * as ort from 'onnxruntime-node';
import { AppError } from '../../shared/index.js';
import type { DecoderState } from '../whisper-model.js';
import { gatherRows, staysWithinItems } from './gather-rows.js';

/** K and V of one layer. */
export interface LayerKv {
  readonly key: ort.Tensor;
  readonly value: ort.Tensor;
}

/** Fields of a KvDecoderState. */
export interface KvDecoderStateInit {
  readonly rows: number;
  readonly pastLength: number;
  /** Rows per batch item; rows of one item share the cross K/V (1 when unknown). */
  readonly rowsPerItem: number;
  readonly self: readonly LayerKv[];
  /** Cross K/V per decoder layer; undefined until an optimum model's first step. */
  readonly cross: readonly LayerKv[] | undefined;
  /** Encoder hidden states per row [rows, T, d] (optimum models). */
  readonly encoderHidden?: ort.Tensor;
  /** Identifies the model that created the state, so a foreign state is refused. */
  readonly owner: object;
}

function gatherTensor(t: ort.Tensor, source: Int32Array): ort.Tensor {
  const rows = t.dims[0];
  const rowLength = rows === 0 ? 0 : t.size / rows;
  const data = gatherRows(t.data as Float32Array, rowLength, source);
  return new ort.Tensor('float32', data, [source.length, ...t.dims.slice(1)]);
}

const gatherKv = (kv: LayerKv, source: Int32Array): LayerKv => ({
  key: gatherTensor(kv.key, source),
  value: gatherTensor(kv.value, source),
});

/** A DecoderState holding ONNX Runtime tensors. */
export class KvDecoderState implements DecoderState {
  readonly rows: number;
  readonly pastLength: number;
  readonly rowsPerItem: number;
  readonly owner: object;
  #fields: KvDecoderStateInit | undefined;

  constructor(init: KvDecoderStateInit) {
    this.rows = init.rows;
    this.pastLength = init.pastLength;
    this.rowsPerItem = init.rowsPerItem;
    this.owner = init.owner;
    this.#fields = init;
  }

  /**
   * The tensors of this state.
   * @throws AppError RESOURCE_CLOSED after dispose()
   */
  get fields(): KvDecoderStateInit {
    if (this.#fields === undefined)
      throw new AppError('RESOURCE_CLOSED', 'Cannot use decoder state: it was disposed');
    return this.#fields;
  }

  /**
   * Row r of the result is row `source[r]` of this state (beam reordering). Cross K/V are shared,
   * not copied, when every row stays within its batch item.
   * @throws AppError REQUEST_INVALID when an index is out of range
   */
  reorder(source: Int32Array): KvDecoderState {
    const f = this.fields;
    for (let r = 0; r < source.length; r++) {
      if (!(source[r] >= 0 && source[r] < this.rows)) {
        throw new AppError(
          'REQUEST_INVALID',
          `Cannot reorder decoder rows: index ${source[r]} is outside 0..${this.rows - 1}`,
        );
      }
    }
    const sameItems = source.length === this.rows && staysWithinItems(source, this.rowsPerItem);
    const init: KvDecoderStateInit = {
      rows: source.length,
      pastLength: this.pastLength,
      rowsPerItem: sameItems ? this.rowsPerItem : 1,
      self: f.self.map((kv) => gatherKv(kv, source)),
      cross:
        f.cross === undefined ? undefined : sameItems ? f.cross : f.cross.map((kv) => gatherKv(kv, source)),
      owner: this.owner,
      ...(f.encoderHidden !== undefined
        ? { encoderHidden: sameItems ? f.encoderHidden : gatherTensor(f.encoderHidden, source) }
        : {}),
    };
    return new KvDecoderState(init);
  }

  dispose(): void {
    this.#fields = undefined;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
