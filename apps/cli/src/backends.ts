import { cpuBackend } from '@fixclust/backend-cpu';
import { wasmBackend } from '@fixclust/backend-wasm';
import type { BackendCandidate } from '@fixclust/core';

/**
 * Backends the CLI tries, fastest first. The cpu backend starts everywhere,
 * so it comes last.
 */
export function backendCandidates(): BackendCandidate[] {
  return [wasmBackend(), cpuBackend()];
}
