import { InvalidParameterError } from '@fixclust/core';

/** Dawn backends that {@link WebgpuBackendOptions.dawnBackend} accepts. */
export const DAWN_BACKENDS = ['default', 'opengles', 'vulkan'] as const;

/**
 * Native API that Dawn runs WebGPU on. `default` lets Dawn choose: Vulkan on
 * Linux, Metal on macOS, Direct3D 12 on Windows. `opengles` is Dawn's
 * OpenGL ES backend, which offers only WebGPU compatibility mode.
 */
export type DawnBackend = (typeof DAWN_BACKENDS)[number];

/** Options of {@link webgpuBackend}. */
export interface WebgpuBackendOptions {
  /** Native API under Dawn. Default: `'default'`. */
  dawnBackend?: DawnBackend;
  /**
   * Accept a software adapter (Mesa's llvmpipe or lavapipe, SwiftShader,
   * Microsoft's WARP), which runs WebGPU shaders on the CPU and is slower
   * than the wasm backend. Default: `false`, so runtime selection moves on
   * to the next candidate.
   */
  allowSoftwareAdapter?: boolean;
}

/** {@link WebgpuBackendOptions} with defaults filled in. */
export type ResolvedWebgpuOptions = Required<WebgpuBackendOptions>;

/**
 * Fills in defaults and checks each option.
 *
 * @throws InvalidParameterError naming the first invalid option.
 */
export function resolveWebgpuOptions(
  options: WebgpuBackendOptions,
): ResolvedWebgpuOptions {
  const dawnBackend = options.dawnBackend ?? 'default';
  if (!DAWN_BACKENDS.includes(dawnBackend)) {
    throw new InvalidParameterError(
      'dawnBackend',
      dawnBackend,
      `dawnBackend must be one of ${DAWN_BACKENDS.join(', ')}, ` +
        `got ${JSON.stringify(dawnBackend)}`,
    );
  }
  const allowSoftwareAdapter = options.allowSoftwareAdapter ?? false;
  if (typeof allowSoftwareAdapter !== 'boolean') {
    throw new InvalidParameterError(
      'allowSoftwareAdapter',
      allowSoftwareAdapter,
      `allowSoftwareAdapter must be true or false, ` +
        `got ${JSON.stringify(allowSoftwareAdapter)}`,
    );
  }
  return { dawnBackend, allowSoftwareAdapter };
}
