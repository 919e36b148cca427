import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { DataType, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import type { NativeAddon } from '../addon.js';

/**
 * The backend a native kernel runs on: tfjs's cpu backend, whose tensors
 * hold plain typed arrays, with the addon attached.
 */
export type NativeKernelBackend = MathBackendCPU & {
  readonly addon: NativeAddon;
  /** Returns an output array whose every element the kernel must write. */
  allocate(length: number): Float32Array;
};

/**
 * A native kernel, built around the cpu backend's kernel of the same name,
 * which it calls for the cases it does not handle (other dtypes, ranks or
 * layouts).
 */
export interface NativeKernelConfig {
  kernelName: string;
  create(fallback: KernelFunc): KernelFunc;
}

/** Arguments tfjs passes to a kernel function. */
export type KernelArguments = Parameters<KernelFunc>[0];

/** Returns the backend a kernel was called with, typed. */
export function nativeBackendOf(args: KernelArguments): NativeKernelBackend {
  return args.backend as NativeKernelBackend;
}

/**
 * Returns the values of float32 tensors, without copying them, or null
 * when one is empty or is not stored as a Float32Array. The cpu backend's
 * Cast relabels bool and int32 values as float32 without converting them,
 * so the dtype alone does not tell.
 */
export function floatInputs(
  backend: NativeKernelBackend,
  ...tensors: TensorInfo[]
): Float32Array[] | null {
  const values: Float32Array[] = [];
  for (const tensor of tensors) {
    const stored = backend.data.get(tensor.dataId).values;
    if (!(stored instanceof Float32Array) || stored.length === 0) return null;
    values.push(stored);
  }
  return values;
}

/** Wraps fresh output values as a tensor of the backend. */
export function output(
  backend: NativeKernelBackend,
  shape: number[],
  values: Float32Array | Int32Array | Uint8Array,
  dtype: DataType = 'float32',
): TensorInfo {
  return backend.makeTensorInfo(shape, dtype, values);
}
