/**
 * The browser entry of `@fixclust/backend-wasm`, chosen by bundlers through
 * the `browser` export condition. It imports no Node built-ins; tfjs fetches
 * its `.wasm` files from `wasmPaths`, by default the folder of the page.
 *
 * @packageDocumentation
 */
import type { BackendCandidate } from '@fixclust/core';

import { readWasmPaths, startWasm, type WasmBackendOptions } from './start.js';

export type { WasmBackendOptions } from './start.js';

/**
 * Returns the wasm backend as a runtime-selection candidate for a browser.
 * Nothing is loaded until `initialise` runs, which loads
 * `@tensorflow/tfjs-backend-wasm`, points it at `options.wasmPaths` when
 * given, makes it the active tfjs backend and turns on tfjs production
 * mode. Pages that are not cross-origin isolated run it on one thread.
 *
 * @throws InvalidParameterError when `wasmPaths` does not end in `/`.
 * @throws Error from `initialise` when the module cannot be fetched or
 * compiled.
 */
export function wasmBackend(
  options: WasmBackendOptions = {},
): BackendCandidate {
  const wasmPaths = readWasmPaths(options);
  return { name: 'wasm', initialise: () => startWasm(wasmPaths) };
}
