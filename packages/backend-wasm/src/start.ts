import { InvalidParameterError, type BackendInfo } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

/** Options of `wasmBackend`. */
export interface WasmBackendOptions {
  /**
   * Folder path or URL prefix, ending in `/`, from which tfjs loads its
   * `.wasm` files (`tfjs-backend-wasm-simd.wasm` and
   * `tfjs-backend-wasm.wasm`), as tfjs's `setWasmPaths` takes it. It takes
   * effect only when the wasm backend starts for the first time in the
   * process or page.
   *
   * Default in Node: the folder of the installed
   * `@tensorflow/tfjs-backend-wasm` package. Default in a browser: tfjs's
   * own, the folder of the page, so serve the files there or pass their URL
   * prefix here.
   */
  wasmPaths?: string;
}

/**
 * Returns the validated `wasmPaths` option.
 *
 * @throws InvalidParameterError when it is empty or does not end in `/`.
 */
export function readWasmPaths(options: WasmBackendOptions): string | undefined {
  const { wasmPaths } = options;
  if (wasmPaths === undefined) return undefined;
  if (typeof wasmPaths !== 'string' || !wasmPaths.endsWith('/')) {
    throw new InvalidParameterError(
      'wasmPaths',
      wasmPaths,
      `wasmPaths must be a folder path or URL prefix ending in "/", got ` +
        `${JSON.stringify(wasmPaths)}; add the trailing slash`,
    );
  }
  return wasmPaths;
}

/**
 * Loads tfjs's wasm backend, points it at `wasmPaths` when given, turns on
 * tfjs production mode and makes `wasm` the active backend.
 *
 * @throws Error when the backend cannot start.
 */
export async function startWasm(
  wasmPaths: string | undefined,
): Promise<BackendInfo> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const started = tf.getBackend() === 'wasm' || tf.findBackend('wasm') !== null;
  if (wasmPaths !== undefined && !started) wasm.setWasmPaths(wasmPaths);
  tf.enableProdMode();

  if (!(await tf.setBackend('wasm'))) {
    const from = wasmPaths ?? "tfjs's default location, the folder of the page";
    throw new Error(
      `the wasm backend did not start: tf.setBackend("wasm") returned ` +
        `false; check that tfjs-backend-wasm-simd.wasm and ` +
        `tfjs-backend-wasm.wasm can be loaded from ${from}`,
    );
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
