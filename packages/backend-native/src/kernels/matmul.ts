import {
  _FusedMatMul,
  BatchMatMul,
  broadcast_util,
  util,
  type BatchMatMulAttrs,
  type KernelFunc,
  type TensorInfo,
  type _FusedMatMulAttrs,
} from '@tensorflow/tfjs-core';

import { applyBinary, BinaryOp, UnaryOp } from './elementwise.js';
import {
  floatInputs,
  nativeBackendOf,
  output,
  type KernelArguments,
  type NativeKernelBackend,
  type NativeKernelConfig,
} from './kernel.js';

/**
 * Multiplies `a` by `b` (each optionally transposed) with OpenBLAS, over
 * any leading batch dimensions. Returns null when an input is not a
 * non-empty Float32Array, when the inner sizes differ (the cpu kernel then
 * raises tfjs's error), or for batch shapes that need more than repeating
 * one side (such as `[2, 1]` by `[1, 3]`).
 */
function multiply(
  backend: NativeKernelBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo | null {
  const inputs = floatInputs(backend, a, b);
  if (inputs === null) return null;
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = a.shape[transposeA ? aRank - 1 : aRank - 2]!;
  const k = a.shape[transposeA ? aRank - 2 : aRank - 1]!;
  const innerB = b.shape[transposeB ? bRank - 1 : bRank - 2]!;
  const n = b.shape[transposeB ? bRank - 2 : bRank - 1]!;
  if (k !== innerB) return null;

  const aBatchShape = a.shape.slice(0, -2);
  const bBatchShape = b.shape.slice(0, -2);
  const batchShape = broadcast_util.assertAndGetBroadcastShape(
    aBatchShape,
    bBatchShape,
  );
  const batch = util.sizeFromShape(batchShape);
  const aBatch = util.sizeFromShape(aBatchShape);
  const bBatch = util.sizeFromShape(bBatchShape);
  if (
    (aBatch !== batch && aBatch !== 1) ||
    (bBatch !== batch && bBatch !== 1)
  ) {
    return null;
  }

  const values = backend.allocate(batch * m * n);
  const [aValues, bValues] = inputs as [Float32Array, Float32Array];
  backend.addon.matMul(
    aValues,
    bValues,
    values,
    batch,
    m,
    n,
    k,
    transposeA,
    transposeB,
    aBatch === 1 ? 0 : m * k,
    bBatch === 1 ? 0 : k * n,
  );
  return output(backend, [...batchShape, m, n], values);
}

const batchMatMul: NativeKernelConfig = {
  kernelName: BatchMatMul,
  create: (fallback: KernelFunc) => (args: KernelArguments) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } =
      args.attrs as unknown as BatchMatMulAttrs;
    const backend = nativeBackendOf(args);
    return multiply(backend, a, b, transposeA, transposeB) ?? fallback(args);
  },
};

/** Activations of `_FusedMatMul` done natively; others use the cpu kernel. */
const FUSED_ACTIVATIONS: Readonly<Record<string, number | null>> = {
  linear: null,
  relu: UnaryOp.relu,
  sigmoid: UnaryOp.sigmoid,
};

const fusedMatMul: NativeKernelConfig = {
  kernelName: _FusedMatMul,
  create: (fallback: KernelFunc) => (args: KernelArguments) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<
      string,
      TensorInfo | undefined
    >;
    const attrs = args.attrs as unknown as _FusedMatMulAttrs;
    const activation = FUSED_ACTIVATIONS[attrs.activation];
    if (activation === undefined || preluActivationWeights !== undefined) {
      return fallback(args);
    }
    const backend = nativeBackendOf(args);
    if (bias !== undefined && floatInputs(backend, bias) === null) {
      return fallback(args);
    }
    const product = multiply(
      backend,
      a!,
      b!,
      attrs.transposeA,
      attrs.transposeB,
    );
    if (product === null) return fallback(args);
    return finishFused(backend, product, bias, activation) ?? fallback(args);
  },
};

/** Adds the bias and applies the activation, freeing intermediates. */
function finishFused(
  backend: NativeKernelBackend,
  product: TensorInfo,
  bias: TensorInfo | undefined,
  activation: number | null,
): TensorInfo | null {
  let result = product;
  if (bias !== undefined) {
    const sum = applyBinary(backend, BinaryOp.add, product, bias);
    backend.disposeIntermediateTensorInfo(product);
    if (sum === null) return null;
    result = sum;
  }
  if (activation !== null) {
    const values = backend.allocate(util.sizeFromShape(result.shape));
    const [resultValues] = floatInputs(backend, result)!;
    backend.addon.unary(activation, resultValues!, values);
    backend.disposeIntermediateTensorInfo(result);
    result = output(backend, result.shape, values);
  }
  return result;
}

/** Native matrix-product kernels. */
export const MATMUL_KERNELS: readonly NativeKernelConfig[] = [
  batchMatMul,
  fusedMatMul,
];
