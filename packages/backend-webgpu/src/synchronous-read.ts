import { UnsupportedFeatureError } from '@fixclust/core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/**
 * Message of the error that a synchronous read of GPU data throws, such as
 * `tensor.dataSync()` or `tensor.arraySync()` on the webgpu backend.
 */
export const SYNCHRONOUS_READ_MESSAGE =
  'the webgpu backend cannot read GPU data synchronously in Node ' +
  '(tensor.dataSync(), arraySync() or bufferSync()): WebGPU maps buffers ' +
  'only asynchronously, and the synchronous path of ' +
  'tfjs-backend-webgpu 4.22 draws through OffscreenCanvas, which Node ' +
  'lacks; read with await tensor.data() instead';

/**
 * Makes `backend.readSync` throw {@link UnsupportedFeatureError} for data
 * that lives only on the GPU, instead of tfjs's `ReferenceError:
 * OffscreenCanvas is not defined` after a console warning. Data with a CPU
 * copy (tensors not yet uploaded, strings, results cached by an earlier
 * read) is still returned, as tfjs's CPU fallbacks for small tensors need.
 */
export function rejectSynchronousGpuReads(backend: WebGPUBackend): void {
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId) => {
    const data = backend.tensorMap.get(dataId);
    const onCpu = data.values != null || data.dtype === 'string';
    // tfjs reads a complex tensor as its real and imaginary parts, each
    // through this same check.
    if (onCpu || data.dtype === 'complex64') {
      return readSync(dataId);
    }
    throw new UnsupportedFeatureError(SYNCHRONOUS_READ_MESSAGE);
  };
}
