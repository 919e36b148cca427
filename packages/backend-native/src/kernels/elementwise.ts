import {
  Abs,
  Add,
  backend_util,
  Exp,
  Log,
  Log1p,
  Maximum,
  Minimum,
  Multiply,
  Neg,
  Pow,
  RealDiv,
  Reciprocal,
  Relu,
  Rsqrt,
  Sigmoid,
  Sqrt,
  Square,
  SquaredDifference,
  Sub,
  Tanh,
  util,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import {
  floatInputs,
  nativeBackendOf,
  output,
  type KernelArguments,
  type NativeKernelBackend,
  type NativeKernelConfig,
} from './kernel.js';
import { fillBroadcastLayout } from './layout.js';

/** Unary operation codes of the addon (`native/elementwise.cc`). */
export const UnaryOp = {
  tanh: 0,
  sqrt: 1,
  square: 2,
  neg: 3,
  exp: 4,
  log: 5,
  log1p: 6,
  abs: 7,
  relu: 8,
  sigmoid: 9,
  reciprocal: 10,
  rsqrt: 11,
} as const;

/** Binary operation codes of the addon (`native/elementwise.cc`). */
export const BinaryOp = {
  add: 0,
  sub: 1,
  multiply: 2,
  divide: 3,
  maximum: 4,
  minimum: 5,
  squaredDifference: 6,
  pow: 7,
} as const;

// Reused by every binary call: kernels run one at a time.
const broadcastLayout = new Int32Array(12);

/**
 * Computes `a op b` with broadcasting. Returns null when an input is not a
 * non-empty Float32Array or the broadcast needs more than 4 collapsed
 * dimensions.
 */
export function applyBinary(
  backend: NativeKernelBackend,
  op: number,
  a: TensorInfo,
  b: TensorInfo,
): TensorInfo | null {
  const inputs = floatInputs(backend, a, b);
  if (inputs === null) return null;
  const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  if (!fillBroadcastLayout(a.shape, b.shape, outShape, broadcastLayout)) {
    return null;
  }
  const values = backend.allocate(util.sizeFromShape(outShape));
  const [aValues, bValues] = inputs as [Float32Array, Float32Array];
  backend.addon.binary(op, aValues, bValues, values, broadcastLayout);
  return output(backend, outShape, values);
}

function binaryKernel(kernelName: string, op: number): NativeKernelConfig {
  return {
    kernelName,
    create: (fallback: KernelFunc) => (args: KernelArguments) => {
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      return applyBinary(nativeBackendOf(args), op, a, b) ?? fallback(args);
    },
  };
}

function unaryKernel(kernelName: string, op: number): NativeKernelConfig {
  return {
    kernelName,
    create: (fallback: KernelFunc) => (args: KernelArguments) => {
      const { x } = args.inputs as { x: TensorInfo };
      const backend = nativeBackendOf(args);
      const [source] = floatInputs(backend, x) ?? [];
      if (source === undefined) return fallback(args);
      const values = backend.allocate(source.length);
      backend.addon.unary(op, source, values);
      return output(backend, x.shape, values);
    },
  };
}

/** Native element-wise kernels. */
export const ELEMENTWISE_KERNELS: readonly NativeKernelConfig[] = [
  binaryKernel(Add, BinaryOp.add),
  binaryKernel(Sub, BinaryOp.sub),
  binaryKernel(Multiply, BinaryOp.multiply),
  binaryKernel(RealDiv, BinaryOp.divide),
  binaryKernel(Maximum, BinaryOp.maximum),
  binaryKernel(Minimum, BinaryOp.minimum),
  binaryKernel(SquaredDifference, BinaryOp.squaredDifference),
  binaryKernel(Pow, BinaryOp.pow),
  unaryKernel(Tanh, UnaryOp.tanh),
  unaryKernel(Sqrt, UnaryOp.sqrt),
  unaryKernel(Square, UnaryOp.square),
  unaryKernel(Neg, UnaryOp.neg),
  unaryKernel(Exp, UnaryOp.exp),
  unaryKernel(Log, UnaryOp.log),
  unaryKernel(Log1p, UnaryOp.log1p),
  unaryKernel(Abs, UnaryOp.abs),
  unaryKernel(Relu, UnaryOp.relu),
  unaryKernel(Sigmoid, UnaryOp.sigmoid),
  unaryKernel(Reciprocal, UnaryOp.reciprocal),
  unaryKernel(Rsqrt, UnaryOp.rsqrt),
];
