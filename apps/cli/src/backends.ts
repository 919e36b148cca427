import { existsSync, readdirSync } from 'node:fs';

import { cpuBackend } from '@fixclust/backend-cpu';
import { nativeBackend } from '@fixclust/backend-native';
import { wasmBackend } from '@fixclust/backend-wasm';
import { webgpuBackend } from '@fixclust/backend-webgpu';
import type { BackendCandidate } from '@fixclust/core';

/**
 * Backends the CLI tries, in order: native (OpenBLAS addon), WebGPU (only
 * on a hardware adapter), wasm, and cpu, which starts everywhere.
 *
 * @param requested Backend named by `--backend` or `FIXCLUST_BACKEND`;
 * WebGPU named there starts without the GPU device check.
 */
export function backendCandidates(requested?: string): BackendCandidate[] {
  const requestedName = requested ?? process.env['FIXCLUST_BACKEND'];
  const webgpu =
    requestedName === 'webgpu'
      ? webgpuBackend()
      : gpuDeviceGuard(webgpuBackend());
  return [nativeBackend(), webgpu, wasmBackend(), cpuBackend()];
}

/**
 * Wraps the WebGPU candidate so runtime selection skips it at once on
 * Linux machines with no GPU device node, where starting Dawn only prints
 * driver warnings before failing.
 */
function gpuDeviceGuard(candidate: BackendCandidate): BackendCandidate {
  return {
    name: candidate.name,
    initialise: async () => {
      if (process.platform === 'linux' && !hasGpuDevice()) {
        throw new Error(
          'no GPU device found (/dev/dri/renderD*, /dev/nvidia0)',
        );
      }
      return candidate.initialise();
    },
  };
}

function hasGpuDevice(): boolean {
  if (existsSync('/dev/nvidia0')) return true;
  try {
    return readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  } catch {
    return false;
  }
}
