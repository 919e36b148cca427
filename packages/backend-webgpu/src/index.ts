/**
 * WebGPU compute backend for fixclust: TensorFlow.js's webgpu backend, run
 * in Node on Dawn, Chromium's WebGPU implementation, through the `webgpu`
 * npm package.
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';

import type { BackendCandidate, BackendInfo } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import {
  formatAdapter,
  requestAcceptedAdapter,
  type AdapterDescription,
} from './adapter.js';
import { createDawnGpu, withNavigatorGpu } from './dawn.js';
import { rejectSynchronousGpuReads } from './synchronous-read.js';
import {
  resolveWebgpuOptions,
  type ResolvedWebgpuOptions,
  type WebgpuBackendOptions,
} from './options.js';

export {
  describeAdapter,
  formatAdapter,
  softwareRendererOf,
  type AdapterDescription,
} from './adapter.js';
export { SYNCHRONOUS_READ_MESSAGE } from './synchronous-read.js';
export {
  DAWN_BACKENDS,
  type DawnBackend,
  type WebgpuBackendOptions,
} from './options.js';

const require = createRequire(import.meta.url);

/**
 * Returns the webgpu backend as a runtime-selection candidate. Nothing is
 * loaded until `initialise` runs.
 *
 * `initialise` loads Dawn and requests a high-performance adapter: a core
 * one, else one in WebGPU compatibility mode. It rejects a software adapter
 * unless `allowSoftwareAdapter` is set. It then creates a device with the
 * adapter's maximum buffer and workgroup limits, registers tfjs's
 * `WebGPUBackend` on it as `webgpu`, turns on tfjs production mode and
 * makes `webgpu` the active tfjs backend. It also defines Dawn's WebGPU
 * globals (such as `GPUBufferUsage`) that are missing, because tfjs's
 * kernels read them. `navigator.gpu` is set only while tfjs constructs its
 * backend.
 *
 * Synchronous reads of GPU data (`dataSync()`, `arraySync()`) then throw
 * UnsupportedFeatureError, because WebGPU in Node maps buffers only
 * asynchronously. Read with `await tensor.data()` instead.
 *
 * Called again with the same options, `initialise` switches back to the
 * existing backend. With other options it replaces it, which frees every
 * tensor held on the old one.
 *
 * @throws InvalidParameterError for an invalid option, from this call.
 * @throws Error from `initialise` when Dawn finds no adapter or only a
 * rejected software one, or the device cannot be created.
 */
export function webgpuBackend(
  options: WebgpuBackendOptions = {},
): BackendCandidate {
  const resolved = resolveWebgpuOptions(options);
  return { name: 'webgpu', initialise: () => initialiseWebgpu(resolved) };
}

/** Outcome of {@link findWebgpuAdapter}. */
export type AdapterSearch =
  | { found: true; adapter: AdapterDescription }
  | { found: false; reason: string };

/**
 * Asks Dawn for the adapter that {@link webgpuBackend} with the same
 * options would use, and checks it the same way, without creating a device
 * or touching tfjs. Dawn's WebGPU globals are defined as in `initialise`.
 *
 * @throws InvalidParameterError for an invalid option.
 */
export async function findWebgpuAdapter(
  options: WebgpuBackendOptions = {},
): Promise<AdapterSearch> {
  const resolved = resolveWebgpuOptions(options);
  try {
    const gpu = await createDawnGpu(resolved.dawnBackend);
    const { description } = await requestAcceptedAdapter(gpu, resolved);
    return { found: true, adapter: description };
  } catch (error) {
    return { found: false, reason: (error as Error).message };
  }
}

/** A webgpu backend factory this module registered with tfjs. */
interface RegisteredWebgpu {
  /** The resolved options it was built with, as JSON. */
  optionsKey: string;
  factory: () => tf.KernelBackend;
  info: BackendInfo;
}

let registered: RegisteredWebgpu | undefined;

async function initialiseWebgpu(
  options: ResolvedWebgpuOptions,
): Promise<BackendInfo> {
  const optionsKey = JSON.stringify(options);
  let current = registered;
  if (
    current?.optionsKey !== optionsKey ||
    tf.findBackendFactory('webgpu') !== current.factory
  ) {
    current = await registerWebgpu(options, optionsKey);
    registered = current;
  }

  tf.enableProdMode();
  const started = await tf.setBackend('webgpu');
  if (!started) {
    throw new Error('tf.setBackend("webgpu") returned false');
  }
  await tf.ready();
  return current.info;
}

async function registerWebgpu(
  options: ResolvedWebgpuOptions,
  optionsKey: string,
): Promise<RegisteredWebgpu> {
  const gpu = await createDawnGpu(options.dawnBackend);
  const { adapter, description } = await requestAcceptedAdapter(gpu, options);
  const device = await adapter.requestDevice(deviceDescriptor(adapter));
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');

  // The factory keeps the device, so tfjs can rebuild the backend on it
  // after `tf.engine().reset()`.
  const factory = () => {
    const backend = withNavigatorGpu(
      gpu,
      () => new WebGPUBackend(device, adapter.info),
    );
    rejectSynchronousGpuReads(backend);
    return backend;
  };
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', factory);

  const info: BackendInfo = {
    name: 'webgpu',
    version: webgpuPackageVersion(),
    // Kernels run on the adapter; one JavaScript thread dispatches them.
    threads: 1,
    details: formatAdapter(description),
  };
  return { optionsKey, factory, info };
}

/**
 * Requests the adapter's maximum for each limit that tfjs 4.22's own webgpu
 * backend factory raises, so kernels may dispatch as many workgroups and
 * bind buffers as large as the adapter allows.
 */
function deviceDescriptor(adapter: GPUAdapter): GPUDeviceDescriptor {
  const limits = adapter.limits;
  return {
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup:
        limits.maxComputeInvocationsPerWorkgroup,
    },
  };
}

function webgpuPackageVersion(): string {
  const manifest = require('@tensorflow/tfjs-backend-webgpu/package.json') as {
    version: string;
  };
  return manifest.version;
}
