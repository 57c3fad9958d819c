/**
 * Serialized one-node ONNX graphs `Y = op(A) · op(B)` (ONNX `Gemm`, opset 17) with dynamic
 * dimensions, so one InferenceSession serves every shape of a transpose class. `Gemm` rather than
 * `MatMul` + `Transpose`: MLAS reads transposed operands in place, a `Transpose` node copies them.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Element type of the graph's tensors. */
export type GemmElementType = 'float32' | 'float64';

const ONNX_OPSET = 17;
const ONNX_IR_VERSION = 8;

function tensorValueInfo(
  name: string,
  elemType: number,
  dims: readonly string[],
): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create({ dimParam: d })),
        }),
      }),
    }),
  });
}

/** ONNX model bytes for `Y = op(A) · op(B)`; inputs `A`, `B`, output `Y`, all 2-D with symbolic dims. */
export function buildGemmModel(transA: boolean, transB: boolean, elementType: GemmElementType): Uint8Array {
  const elemType =
    elementType === 'float32' ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.DOUBLE;
  const attribute = [
    onnx.AttributeProto.create({
      name: 'transA',
      type: onnx.AttributeProto.AttributeType.INT,
      i: transA ? 1 : 0,
    }),
    onnx.AttributeProto.create({
      name: 'transB',
      type: onnx.AttributeProto.AttributeType.INT,
      i: transB ? 1 : 0,
    }),
  ];
  const graph = onnx.GraphProto.create({
    name: 'chorus_gemm',
    node: [onnx.NodeProto.create({ opType: 'Gemm', input: ['A', 'B'], output: ['Y'], attribute })],
    input: [
      tensorValueInfo('A', elemType, transA ? ['k', 'm'] : ['m', 'k']),
      tensorValueInfo('B', elemType, transB ? ['n', 'k'] : ['k', 'n']),
    ],
    output: [tensorValueInfo('Y', elemType, ['m', 'n'])],
  });
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    producerName: 'chorus-merge-linalg',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: ONNX_OPSET })],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
