/**
 * A small builder of ONNX `GraphProto`/`ModelProto` messages (static protobufjs messages from
 * `onnx-proto`). Float initializers are never copied into the protobuf: they are declared with
 * `data_location = EXTERNAL` and handed to ONNX Runtime as in-memory external data
 * (`InferenceSession.create(bytes, { externalData: [{ path, data }] })`), so there is no 2 GB
 * protobuf limit and no copy of the weights (ref: onnx/onnx docs/ExternalData.md, onnx 1.10).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX `TensorProto.DataType` values used by chorus. */
export const ONNX_FLOAT = 1;
export const ONNX_UINT8 = 2;
export const ONNX_INT32 = 6;
export const ONNX_INT64 = 7;
export const ONNX_BOOL = 9;
export const ONNX_FLOAT16 = 10;

/** Element type of a graph input/output/initializer. */
export type OnnxElemType =
  | typeof ONNX_FLOAT
  | typeof ONNX_UINT8
  | typeof ONNX_INT32
  | typeof ONNX_INT64
  | typeof ONNX_BOOL
  | typeof ONNX_FLOAT16;

/** Attribute values: numbers become INT unless listed as float via `{ f }`. */
export type OnnxAttr =
  | number
  | string
  | readonly number[]
  | { readonly f: number }
  | { readonly floats: readonly number[] }
  | { readonly graph: onnxProto.onnx.IGraphProto }
  | { readonly tensor: onnxProto.onnx.ITensorProto };

/** One weight kept outside the protobuf. `data` is a view on the caller's memory (no copy). */
export interface ExternalTensor {
  readonly name: string;
  readonly data: Uint8Array;
}

/** A dimension: a fixed size or a symbolic name. */
export type OnnxDim = number | string;

const INT_ATTR = 2;
const FLOAT_ATTR = 1;
const STRING_ATTR = 3;
const TENSOR_ATTR = 4;
const GRAPH_ATTR = 5;
const FLOATS_ATTR = 6;
const INTS_ATTR = 7;

function valueInfo(
  name: string,
  elemType: OnnxElemType,
  dims?: readonly OnnxDim[],
): onnxProto.onnx.IValueInfoProto {
  const tensorType: onnxProto.onnx.TypeProto.ITensor = { elemType };
  if (dims !== undefined) {
    tensorType.shape = {
      dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
    };
  }
  return { name, type: { tensorType } };
}

function attribute(name: string, value: OnnxAttr): onnxProto.onnx.IAttributeProto {
  if (typeof value === 'number') return { name, type: INT_ATTR, i: value };
  if (typeof value === 'string') return { name, type: STRING_ATTR, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: INTS_ATTR, ints: value as number[] };
  if ('f' in value) return { name, type: FLOAT_ATTR, f: value.f };
  if ('floats' in value) return { name, type: FLOATS_ATTR, floats: [...value.floats] };
  if ('graph' in value) return { name, type: GRAPH_ATTR, g: value.graph };
  return { name, type: TENSOR_ATTR, t: (value as { tensor: onnxProto.onnx.ITensorProto }).tensor };
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Builds one graph; subgraphs (for `If`) are separate builders sharing the parent's external list. */
export class OnnxGraphBuilder {
  readonly #nodes: onnxProto.onnx.INodeProto[] = [];
  readonly #inputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly #outputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly #initializers: onnxProto.onnx.ITensorProto[] = [];
  readonly #external: ExternalTensor[];
  readonly #names: Map<string, number>;

  /** `shared` lets a subgraph builder use the parent's name counter and external-data list. */
  constructor(
    readonly name: string,
    shared?: { readonly external: ExternalTensor[]; readonly names: Map<string, number> },
  ) {
    this.#external = shared?.external ?? [];
    this.#names = shared?.names ?? new Map();
  }

  /** A builder for a subgraph (e.g. an `If` branch) whose unique names never clash with ours. */
  subgraph(name: string): OnnxGraphBuilder {
    return new OnnxGraphBuilder(name, { external: this.#external, names: this.#names });
  }

  /** A fresh value name with the given prefix. */
  uniq(prefix: string): string {
    const n = this.#names.get(prefix) ?? 0;
    this.#names.set(prefix, n + 1);
    return n === 0 ? prefix : `${prefix}_${n}`;
  }

  input(name: string, elemType: OnnxElemType, dims: readonly OnnxDim[]): string {
    this.#inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: OnnxElemType, dims?: readonly OnnxDim[]): string {
    this.#outputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** A weight passed as external data (view, not copied): float32, float16 bits or uint8 codes. */
  weight(name: string, data: Float32Array | Uint16Array | Uint8Array, dims: readonly number[]): string {
    const elemType =
      data instanceof Float32Array ? ONNX_FLOAT : data instanceof Uint16Array ? ONNX_FLOAT16 : ONNX_UINT8;
    const byteLength = data.byteLength;
    this.#initializers.push({
      name,
      dims: [...dims],
      dataType: elemType,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: name },
        { key: 'offset', value: '0' },
        { key: 'length', value: String(byteLength) },
      ],
    });
    this.#external.push({ name, data: bytesOf(data) });
    return name;
  }

  /** A small constant stored inline in the protobuf. */
  constant(
    prefix: string,
    data: BigInt64Array | Int32Array | Float32Array | Uint8Array,
    dims: readonly number[],
  ): string {
    const name = this.uniq(prefix);
    const dataType =
      data instanceof BigInt64Array
        ? ONNX_INT64
        : data instanceof Int32Array
          ? ONNX_INT32
          : data instanceof Float32Array
            ? ONNX_FLOAT
            : ONNX_BOOL;
    this.#initializers.push({ name, dims: [...dims], dataType, rawData: bytesOf(data).slice() });
    return name;
  }

  /** An int64 1-D constant. */
  ints(prefix: string, values: readonly number[]): string {
    return this.constant(
      prefix,
      BigInt64Array.from(values, (v) => BigInt(v)),
      [values.length],
    );
  }

  /** A float scalar constant (rank 0). */
  scalar(prefix: string, value: number): string {
    return this.constant(prefix, Float32Array.of(value), []);
  }

  /** Adds a node; returns its output names (fresh unique names for numeric `outputs`). */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: number | readonly string[] = 1,
    attrs: Readonly<Record<string, OnnxAttr>> = {},
    domain = '',
  ): string[] {
    const outs =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, () => this.uniq(opType.toLowerCase()))
        : [...outputs];
    const node: onnxProto.onnx.INodeProto = {
      opType,
      input: [...inputs],
      output: outs,
      name: this.uniq(`n_${opType}`),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    };
    if (domain !== '') node.domain = domain;
    this.#nodes.push(node);
    return outs;
  }

  /** Single-output convenience form of `node`. */
  op(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, OnnxAttr>> = {},
    domain = '',
  ): string {
    return this.node(opType, inputs, 1, attrs, domain)[0];
  }

  /** The GraphProto of what was added so far. */
  graph(): onnxProto.onnx.IGraphProto {
    return {
      name: this.name,
      node: this.#nodes,
      input: this.#inputs,
      output: this.#outputs,
      initializer: this.#initializers,
    };
  }

  /** Every external tensor declared by this builder and its subgraphs. */
  get externalTensors(): readonly ExternalTensor[] {
    return this.#external;
  }
}

/** Opset imports for a model. */
export interface OpsetImports {
  readonly onnx: number;
  readonly microsoft?: number;
}

/** A serialized model plus the buffers its external initializers point to. */
export interface BuiltModel {
  readonly modelBytes: Uint8Array;
  readonly externalData: readonly { readonly path: string; readonly data: Uint8Array }[];
}

/** An unserialized graph plus its external tensors (the caller decides where the weights go). */
export interface GraphWithWeights {
  readonly graph: onnxProto.onnx.IGraphProto;
  readonly external: readonly ExternalTensor[];
}

/** Serializes a graph whose weights stay in memory as external data (one "file" per tensor). */
export function serializeInMemory(g: GraphWithWeights, opsets: OpsetImports): BuiltModel {
  return {
    modelBytes: encodeModel(g.graph, opsets),
    externalData: g.external.map((t) => ({ path: t.name, data: t.data })),
  };
}

/** Serializes the builder's graph as a ModelProto (IR 8, `producer_name` chorus). */
export function buildModel(builder: OnnxGraphBuilder, opsets: OpsetImports): BuiltModel {
  return serializeInMemory({ graph: builder.graph(), external: builder.externalTensors }, opsets);
}

/** Re-points every external initializer at one file (`location`) with consecutive, 64-byte aligned
 *  offsets, or inlines them as `raw_data` when `location` is undefined. Returns the file layout. */
export function relocateExternalData(
  graph: onnxProto.onnx.IGraphProto,
  tensors: readonly ExternalTensor[],
  location: string | undefined,
): { readonly byteLength: number; readonly parts: readonly { offset: number; data: Uint8Array }[] } {
  const byName = new Map(tensors.map((t) => [t.name, t.data]));
  const parts: { offset: number; data: Uint8Array }[] = [];
  let offset = 0;
  const visit = (g: onnxProto.onnx.IGraphProto): void => {
    for (const init of g.initializer ?? []) {
      if (init.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL || init.name == null) continue;
      const data = byName.get(init.name);
      if (data === undefined) continue;
      if (location === undefined) {
        init.dataLocation = onnx.TensorProto.DataLocation.DEFAULT;
        init.externalData = [];
        init.rawData = data;
        continue;
      }
      offset = Math.ceil(offset / 64) * 64; // alignment lets ORT mmap/read tensors in place
      init.externalData = [
        { key: 'location', value: location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(data.byteLength) },
      ];
      parts.push({ offset, data });
      offset += data.byteLength;
    }
    for (const node of g.node ?? []) for (const a of node.attribute ?? []) if (a.g != null) visit(a.g);
  };
  visit(graph);
  return { byteLength: offset, parts };
}

/** Encodes a ModelProto for an already-built graph (used by the export path after relocation). */
export function encodeModel(
  graph: onnxProto.onnx.IGraphProto,
  opsets: OpsetImports,
  irVersion = 8,
): Uint8Array {
  const opsetImport: onnxProto.onnx.IOperatorSetIdProto[] = [{ domain: '', version: opsets.onnx }];
  if (opsets.microsoft !== undefined)
    opsetImport.push({ domain: 'com.microsoft', version: opsets.microsoft });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({ irVersion, producerName: 'chorus', opsetImport, graph }),
  ).finish();
}
