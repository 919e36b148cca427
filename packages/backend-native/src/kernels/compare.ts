import {
  backend_util,
  Equal,
  Greater,
  GreaterEqual,
  Less,
  LessEqual,
  NotEqual,
  util,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import {
  floatInputs,
  nativeBackendOf,
  output,
  type KernelArguments,
  type NativeKernelConfig,
} from './kernel.js';
import { fillBroadcastLayout } from './layout.js';

/** Comparison codes of the addon (`native/elementwise.cc`). */
const CompareOp = {
  equal: 0,
  notEqual: 1,
  less: 2,
  lessEqual: 3,
  greater: 4,
  greaterEqual: 5,
} as const;

// Reused by every comparison: kernels run one at a time.
const broadcastLayout = new Int32Array(12);

function compareKernel(kernelName: string, op: number): NativeKernelConfig {
  return {
    kernelName,
    create: (fallback: KernelFunc) => (args: KernelArguments) => {
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const backend = nativeBackendOf(args);
      const inputs = floatInputs(backend, a, b);
      if (inputs === null) return fallback(args);
      const outShape = backend_util.assertAndGetBroadcastShape(
        a.shape,
        b.shape,
      );
      if (!fillBroadcastLayout(a.shape, b.shape, outShape, broadcastLayout)) {
        return fallback(args);
      }

      const values = new Uint8Array(util.sizeFromShape(outShape));
      const [aValues, bValues] = inputs as [Float32Array, Float32Array];
      backend.addon.compare(op, aValues, bValues, values, broadcastLayout);
      return output(backend, outShape, values, 'bool');
    },
  };
}

/** Native comparison kernels, whose outputs are bool tensors. */
export const COMPARE_KERNELS: readonly NativeKernelConfig[] = [
  compareKernel(Equal, CompareOp.equal),
  compareKernel(NotEqual, CompareOp.notEqual),
  compareKernel(Less, CompareOp.less),
  compareKernel(LessEqual, CompareOp.lessEqual),
  compareKernel(Greater, CompareOp.greater),
  compareKernel(GreaterEqual, CompareOp.greaterEqual),
];
