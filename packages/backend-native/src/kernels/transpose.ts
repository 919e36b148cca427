import {
  Transpose,
  util,
  type KernelFunc,
  type TensorInfo,
  type TransposeAttrs,
} from '@tensorflow/tfjs-core';

import {
  floatInputs,
  nativeBackendOf,
  output,
  type KernelArguments,
  type NativeKernelConfig,
} from './kernel.js';
import { fillTransposeLayout } from './layout.js';

// Reused by every transpose call: kernels run one at a time.
const transposeLayout = new Int32Array(9);

const transpose: NativeKernelConfig = {
  kernelName: Transpose,
  create: (fallback: KernelFunc) => (args: KernelArguments) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { perm } = args.attrs as unknown as TransposeAttrs;
    const backend = nativeBackendOf(args);
    const [source] = floatInputs(backend, x) ?? [];
    if (source === undefined) return fallback(args);
    const rank = fillTransposeLayout(x.shape, perm, transposeLayout);
    if (rank < 0) return fallback(args);

    const outShape = perm.map((axis) => x.shape[axis]!);
    const values = backend.allocate(util.sizeFromShape(outShape));
    if (rank <= 1) values.set(source);
    else backend.addon.transpose(source, values, transposeLayout);
    return output(backend, outShape, values);
  },
};

/** Native transpose kernel. */
export const TRANSPOSE_KERNELS: readonly NativeKernelConfig[] = [transpose];
