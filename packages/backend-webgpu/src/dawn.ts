import type { DawnBackend } from './options.js';

/**
 * Loads Dawn (`dawn.node` from the `webgpu` package), defines the WebGPU
 * globals it provides, and creates a `GPU` object on `backend`.
 *
 * Dawn writes its own warnings to stderr from native code, such as
 * "Couldn't load Vulkan" when `libvulkan.so.1` is missing.
 */
export async function createDawnGpu(backend: DawnBackend): Promise<GPU> {
  const dawn = await import('webgpu');
  defineMissingGlobals(dawn.globals);
  return dawn.create(backend === 'default' ? [] : [`backend=${backend}`]);
}

/**
 * Defines on `globalThis` each WebGPU interface object and constant that is
 * not there yet. tfjs's webgpu backend reads `GPUBufferUsage`, `GPUMapMode`,
 * `GPUTextureUsage`, `GPUBuffer` and `GPUTexture` as globals when it
 * creates and reads buffers, so they stay defined for the life of the
 * process.
 */
function defineMissingGlobals(globals: object): void {
  for (const [name, value] of Object.entries(globals)) {
    if (name in globalThis) continue;
    Object.defineProperty(globalThis, name, {
      value,
      writable: true,
      configurable: true,
    });
  }
}

/**
 * Runs `body` with `navigator.gpu` set to `gpu`, then restores `navigator`
 * as it was. tfjs's `WebGPUBackend` constructor throws unless
 * `navigator.gpu` exists, and Node 20 has no `navigator` at all.
 */
export function withNavigatorGpu<T>(gpu: GPU, body: () => T): T {
  const scope = globalThis as { navigator?: object };
  const existing = scope.navigator;
  const navigator: { gpu?: unknown } = existing ?? {};
  const previousGpu = Object.getOwnPropertyDescriptor(navigator, 'gpu');

  if (existing === undefined) {
    Object.defineProperty(scope, 'navigator', {
      value: navigator,
      configurable: true,
    });
  }
  Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true });
  try {
    return body();
  } finally {
    if (previousGpu === undefined) delete navigator.gpu;
    else Object.defineProperty(navigator, 'gpu', previousGpu);
    if (existing === undefined) delete scope.navigator;
  }
}
