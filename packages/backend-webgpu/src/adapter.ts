import type { DawnBackend, ResolvedWebgpuOptions } from './options.js';

/** Description of a WebGPU adapter, as fixclust reports it. */
export interface AdapterDescription {
  /** `GPUAdapterInfo.vendor`, empty when the driver does not report it. */
  vendor: string;
  /** `GPUAdapterInfo.architecture`, often empty. */
  architecture: string;
  /** `GPUAdapterInfo.device`, such as `llvmpipe-llvm-15-0-6-256-bits-`. */
  device: string;
  /** `GPUAdapterInfo.description`, such as the OpenGL ES version string. */
  description: string;
  /** Native API under Dawn, as requested. */
  dawnBackend: DawnBackend;
  /**
   * `core` when the adapter has the `core-features-and-limits` feature,
   * otherwise `compatibility` (WebGPU compatibility mode, the only mode
   * Dawn's OpenGL ES backend offers).
   */
  featureLevel: 'core' | 'compatibility';
  /**
   * Name of the software renderer the adapter runs on, such as `llvmpipe`,
   * or `undefined` for a hardware adapter.
   */
  softwareRenderer: string | undefined;
}

/** Software renderers, matched in the adapter's info strings. */
const SOFTWARE_RENDERERS: ReadonlyArray<[name: string, pattern: RegExp]> = [
  ['llvmpipe', /llvmpipe/i],
  ['lavapipe', /lavapipe/i],
  ['softpipe', /softpipe/i],
  ['SwiftShader', /swiftshader/i],
  ['WARP', /basic render driver|\bwarp\b/i],
];

/**
 * Names the software renderer behind an adapter, from its info strings or
 * its `isFallbackAdapter` flag. Returns `undefined` for a hardware adapter.
 *
 * Mesa's llvmpipe (OpenGL) and lavapipe (Vulkan, whose device name is also
 * `llvmpipe (LLVM …)`), Mesa's softpipe, Google's SwiftShader and
 * Microsoft's WARP ("Microsoft Basic Render Driver") are recognised.
 */
export function softwareRendererOf(
  info: Partial<GPUAdapterInfo>,
): string | undefined {
  const text = [
    info.vendor,
    info.architecture,
    info.device,
    info.description,
  ].join(' ');
  const match = SOFTWARE_RENDERERS.find(([, pattern]) => pattern.test(text));
  if (match !== undefined) return match[0];
  return info.isFallbackAdapter === true ? 'fallback adapter' : undefined;
}

/** Describes `adapter` for reports and for the software check. */
export function describeAdapter(
  adapter: GPUAdapter,
  dawnBackend: DawnBackend,
): AdapterDescription {
  const info = adapter.info;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    dawnBackend,
    featureLevel: adapter.features.has('core-features-and-limits')
      ? 'core'
      : 'compatibility',
    softwareRenderer: softwareRendererOf(info),
  };
}

/**
 * Formats an adapter description as one line, for `BackendInfo.details`:
 * the non-empty info strings, the Dawn backend and the feature level.
 */
export function formatAdapter(adapter: AdapterDescription): string {
  const names = [
    adapter.vendor,
    adapter.architecture,
    adapter.device,
    adapter.description,
  ].filter((s) => s !== '');
  const parts = [
    names.length > 0 ? names.join(', ') : 'unnamed adapter',
    `Dawn ${adapter.dawnBackend} backend`,
    `${adapter.featureLevel} feature level`,
  ];
  if (adapter.softwareRenderer !== undefined) {
    parts.push(`software renderer ${adapter.softwareRenderer}`);
  }
  return parts.join('; ');
}

/**
 * Requests a high-performance adapter from `gpu`: first a core one, then,
 * when none exists, one in WebGPU compatibility mode (all that Dawn's
 * OpenGL ES backend offers). Then checks that the adapter is acceptable.
 *
 * @throws Error saying why no adapter is usable: none found, or a software
 * adapter while `allowSoftwareAdapter` is false.
 */
export async function requestAcceptedAdapter(
  gpu: GPU,
  options: ResolvedWebgpuOptions,
): Promise<{ adapter: GPUAdapter; description: AdapterDescription }> {
  const powerPreference = 'high-performance';
  const adapter =
    (await gpu.requestAdapter({ powerPreference })) ??
    (await gpu.requestAdapter({
      powerPreference,
      featureLevel: 'compatibility',
    }));
  if (adapter === null) {
    throw new Error(noAdapterMessage(options.dawnBackend));
  }

  const description = describeAdapter(adapter, options.dawnBackend);
  const renderer = description.softwareRenderer;
  if (renderer !== undefined && !options.allowSoftwareAdapter) {
    throw new Error(
      `the WebGPU adapter Dawn offers (${formatAdapter(description)}) ` +
        `is the software renderer ${renderer}, which runs on the CPU and ` +
        `is slower than the wasm backend; pass allowSoftwareAdapter: true ` +
        `to use it anyway`,
    );
  }
  return { adapter, description };
}

function noAdapterMessage(dawnBackend: DawnBackend): string {
  const hint =
    dawnBackend === 'opengles'
      ? 'install an OpenGL ES driver (on Debian: libegl1 libegl-mesa0 ' +
        'libgles2 libgl1-mesa-dri) and set EGL_PLATFORM=surfaceless when ' +
        'there is no display'
      : 'install the GPU driver (on Linux Dawn needs libvulkan.so.1 and a ' +
        'Vulkan driver), or try dawnBackend: "opengles"';
  return `Dawn (${dawnBackend} backend) found no WebGPU adapter; ${hint}`;
}
