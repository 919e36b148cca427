/**
 * WebAssembly compute backend for fixclust: TensorFlow.js's wasm backend
 * with SIMD, its `.wasm` files read from the installed package.
 *
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';

import type { BackendCandidate, BackendInfo } from '@fixclust/core';

import { readWasmPaths, startWasm, type WasmBackendOptions } from './start.js';

export type { WasmBackendOptions } from './start.js';

const require = createRequire(import.meta.url);

/**
 * Folder of the installed `@tensorflow/tfjs-backend-wasm` package's `.wasm`
 * files, with a trailing slash, as `setWasmPaths` expects. Node only.
 */
export function wasmFilesDirectory(): string {
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  return `${dirname(entry)}/`;
}

/**
 * Returns the wasm backend as a runtime-selection candidate. Nothing is
 * loaded until `initialise` runs.
 *
 * `initialise` loads `@tensorflow/tfjs-backend-wasm`, points it at its
 * `.wasm` files (`options.wasmPaths`, by default the installed package's
 * folder), makes it the active tfjs backend and turns on tfjs production
 * mode (which silences tfjs's debug warnings). In Node the wasm backend
 * runs on one thread: tfjs disables its threaded build there. Bundlers that
 * honour the `browser` export condition get an entry without Node
 * built-ins, where `wasmPaths` defaults to the folder of the page.
 *
 * @throws InvalidParameterError when `wasmPaths` does not end in `/`.
 * @throws Error from `initialise` when the module cannot be compiled here
 * or its `.wasm` files are missing.
 */
export function wasmBackend(
  options: WasmBackendOptions = {},
): BackendCandidate {
  const wasmPaths = readWasmPaths(options);
  return { name: 'wasm', initialise: () => initialiseWasm(wasmPaths) };
}

/** Files tfjs needs to start the wasm backend, SIMD build first. */
const WASM_FILES = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'];

async function initialiseWasm(
  wasmPaths: string | undefined,
): Promise<BackendInfo> {
  const directory = wasmPaths ?? wasmFilesDirectory();
  if (wasmPaths === undefined) assertFilesPresent(directory);
  return startWasm(directory);
}

function assertFilesPresent(directory: string): void {
  const missing = WASM_FILES.filter((file) => !existsSync(directory + file));
  if (missing.length > 0) {
    // Checked here because tfjs only reports that setBackend returned false.
    throw new Error(
      `${missing.join(' and ')} not found in ${directory}; reinstall ` +
        `@tensorflow/tfjs-backend-wasm`,
    );
  }
}
