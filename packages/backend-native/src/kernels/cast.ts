import {
  Cast,
  type CastAttrs,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import {
  nativeBackendOf,
  output,
  type KernelArguments,
  type NativeKernelConfig,
} from './kernel.js';

/**
 * Casts bool and int32 tensors to float32 by converting their values. The
 * cpu kernel only relabels them, which would leave a float32 tensor backed
 * by a Uint8Array or Int32Array that the native kernels cannot read.
 */
const cast: NativeKernelConfig = {
  kernelName: Cast,
  create: (fallback: KernelFunc) => (args: KernelArguments) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as unknown as CastAttrs;
    if (dtype !== 'float32' || (x.dtype !== 'bool' && x.dtype !== 'int32')) {
      return fallback(args);
    }
    const backend = nativeBackendOf(args);
    const values = backend.data.get(x.dataId).values as Uint8Array | Int32Array;
    const converted = backend.allocate(values.length);
    converted.set(values);
    return output(backend, x.shape, converted);
  },
};

/** Native cast kernel. */
export const CAST_KERNELS: readonly NativeKernelConfig[] = [cast];
