import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import {
  DENSE_TRAINING_STEP_KERNEL,
  DENSE_TRAINING_STEPS_KERNEL,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import type { NativeAddon } from './addon.js';
import { BufferPool } from './buffer-pool.js';
import { SlotDataStorage } from './data-storage.js';
import { NATIVE_KERNELS } from './kernels/index.js';
import {
  denseTrainingStepKernel,
  denseTrainingStepsKernel,
} from './kernels/training-step.js';

/** tfjs name of the native backend. */
export const NATIVE_BACKEND_NAME = 'native';

type DataId = object;

/**
 * tfjs's cpu backend with the addon attached. Tensors keep the cpu
 * backend's storage, plain typed arrays, so the addon reads and writes them
 * in place and every kernel without a native version runs unchanged. The
 * arrays of disposed tensors are recycled as kernel outputs (see
 * {@link BufferPool}), except arrays read out through `readSync` or `read`
 * and inputs of cpu kernels, which may keep views of them (Slice does).
 * Entries are stored on their data ids (see {@link SlotDataStorage}).
 */
export class NativeBackend extends MathBackendCPU {
  private readonly pool = new BufferPool();

  constructor(readonly addon: NativeAddon) {
    super();
    this.data = new SlotDataStorage(this, tf.engine());
  }

  /**
   * Returns an output array for a kernel, recycled when one of this length
   * is free. Its contents are undefined, so the kernel must write every
   * element.
   */
  allocate(length: number): Float32Array {
    return this.pool.take(length);
  }

  override write(
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
  ): DataId {
    this.pool.retain(values);
    return super.write(values, shape, dtype);
  }

  override move(
    dataId: DataId,
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): void {
    this.pool.retain(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.has(dataId)
      ? this.data.get(dataId).values
      : undefined;
    const released = super.disposeData(dataId, force);
    if (values !== undefined && !this.data.has(dataId)) {
      this.pool.release(values);
    }
    return released;
  }

  /** Stops recycling the array of `tensor`, whose memory may be shared. */
  exposeTensor(tensor: tf.TensorInfo): void {
    if (this.data.has(tensor.dataId)) {
      this.pool.expose(this.data.get(tensor.dataId).values);
    }
  }

  override readSync(dataId: DataId): tf.backend_util.BackendValues {
    if (this.data.has(dataId)) this.pool.expose(this.data.get(dataId).values);
    return super.readSync(dataId);
  }

  override dispose(): void {
    this.pool.clear();
    super.dispose();
  }
}

/**
 * Registers the `native` tfjs backend and its kernels: every kernel the cpu
 * backend has, with the native ones in place of their cpu versions, and
 * the fused dense training step and its multi-step form
 * (`DENSE_TRAINING_STEP_KERNEL` and `DENSE_TRAINING_STEPS_KERNEL` of
 * `@fixclust/core`). Does
 * nothing when the backend is already registered; the first addon
 * registered stays in use for the life of the process.
 */
export function registerNativeBackend(addon: NativeAddon): void {
  if (tf.findBackendFactory(NATIVE_BACKEND_NAME) !== null) return;
  // Priority 0: tfjs never picks this backend unless asked by name.
  tf.registerBackend(NATIVE_BACKEND_NAME, () => new NativeBackend(addon), 0);

  const native = new Map(NATIVE_KERNELS.map((k) => [k.kernelName, k]));
  for (const config of tf.getKernelsForBackend('cpu')) {
    const cpuKernel = SHARING_KERNELS.has(config.kernelName)
      ? config.kernelFunc
      : exposingInputs(config.kernelFunc);
    const override = native.get(config.kernelName);
    tf.registerKernel({
      ...config,
      backendName: NATIVE_BACKEND_NAME,
      kernelFunc: override?.create(cpuKernel) ?? cpuKernel,
    });
  }
  tf.registerKernel(denseTrainingStepKernel(NATIVE_BACKEND_NAME));
  tf.registerKernel(denseTrainingStepsKernel(NATIVE_BACKEND_NAME));
}

/**
 * cpu kernels that never read their input's values: they share its data
 * entry by reference count, so recycling stays safe.
 */
const SHARING_KERNELS = new Set([tf.Reshape, tf.Identity]);

/** Wraps a cpu kernel so the arrays it reads are never recycled. */
function exposingInputs(kernelFunc: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as NativeBackend;
    for (const input of Object.values(args.inputs)) {
      if (input !== undefined) backend.exposeTensor(input);
    }
    return kernelFunc(args);
  };
}

/** Names of the kernels that run in the addon. */
export function nativeKernelNames(): string[] {
  return [
    ...NATIVE_KERNELS.map((k) => k.kernelName),
    DENSE_TRAINING_STEP_KERNEL,
    DENSE_TRAINING_STEPS_KERNEL,
  ];
}
