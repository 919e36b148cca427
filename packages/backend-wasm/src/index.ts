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
import * as tf from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);

/**
 * Folder of the installed `@tensorflow/tfjs-backend-wasm` package's `.wasm`
 * files, with a trailing slash, as `setWasmPaths` expects.
 */
export function wasmFilesDirectory(): string {
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  return `${dirname(entry)}/`;
}

/**
 * Returns the wasm backend as a runtime-selection candidate. Nothing is
 * loaded until `initialise` runs.
 *
 * `initialise` loads `@tensorflow/tfjs-backend-wasm`, points it at its own
 * `.wasm` files, makes it the active tfjs backend and turns on tfjs
 * production mode (which silences tfjs's debug warnings). In Node the wasm
 * backend runs on one thread: tfjs disables its threaded build there.
 *
 * @throws Error from `initialise` when the module cannot be compiled here.
 */
export function wasmBackend(): BackendCandidate {
  return { name: 'wasm', initialise: initialiseWasm };
}

/** Files tfjs needs to start the wasm backend, SIMD build first. */
const WASM_FILES = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'];

async function initialiseWasm(): Promise<BackendInfo> {
  const directory = wasmFilesDirectory();
  const missing = WASM_FILES.filter((file) => !existsSync(directory + file));
  if (missing.length > 0) {
    // Checked here because tfjs only reports that setBackend returned false.
    throw new Error(
      `${missing.join(' and ')} not found in ${directory}; reinstall ` +
        `@tensorflow/tfjs-backend-wasm`,
    );
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (tf.getBackend() !== 'wasm' && tf.findBackend('wasm') === null) {
    wasm.setWasmPaths(directory);
  }
  tf.enableProdMode();
  const started = await tf.setBackend('wasm');
  if (!started) {
    throw new Error('tf.setBackend("wasm") returned false');
  }
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return {
    name: 'wasm',
    version: wasm.version_wasm,
    threads: wasm.getThreadsCount(),
    details: simd === true ? 'SIMD on' : 'SIMD off',
  };
}
