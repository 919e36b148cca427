/**
 * Native compute backend for fixclust: a Node addon running the model's
 * hot kernels (matrix products through OpenBLAS, element-wise operations,
 * reductions, transposes) behind TensorFlow.js, with every other kernel
 * taken from tfjs's cpu backend.
 *
 * @packageDocumentation
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';

import {
  assertIntegerInRange,
  BackendUnavailableError,
  errorMessage,
  InvalidParameterError,
  type BackendCandidate,
  type BackendInfo,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import { DEFAULT_ADDON_PATH, loadAddon } from './addon.js';

export { DEFAULT_ADDON_PATH } from './addon.js';
export {
  denseStepProducts,
  measureComputeFloor,
  type ComputeFloor,
  type ComputeFloorOptions,
  type MatMulShape,
} from './floor.js';

/** Engines behind the native backend; see {@link NativeBackendOptions}. */
export const NATIVE_ENGINES = ['auto', 'addon', 'tfjs-node'] as const;

/** Name of an engine; see {@link NATIVE_ENGINES}. */
export type NativeEngine = (typeof NATIVE_ENGINES)[number];

/** Options of {@link nativeBackend}. */
export interface NativeBackendOptions {
  /**
   * Engine that runs the kernels. `addon`: this package's addon.
   * `tfjs-node`: `@tensorflow/tfjs-node` (TensorFlow's C library), which
   * must be installed separately. `auto`: the addon, or tfjs-node when the
   * addon cannot load and tfjs-node is installed. Default: `auto`.
   */
  engine?: NativeEngine;
  /**
   * Path of the compiled addon (for the `addon` engine). Default: the
   * `FIXCLUST_NATIVE_ADDON` environment variable, then
   * `build/Release/fixclust_native.node` in this package.
   */
  addonPath?: string;
  /**
   * Threads OpenBLAS uses for matrix products (for the `addon` engine).
   * Every other native kernel runs on the calling thread. The setting is
   * per process, so the last `initialise` decides. Default: 1, the fastest
   * for a km50 training step on a 2-core machine (see the package README).
   */
  threads?: number;
  /** Environment to read `FIXCLUST_NATIVE_ADDON` from. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

const require = createRequire(import.meta.url);
const { version } = require('../package.json') as { version: string };

/**
 * Name of the optional tfjs-node package, kept in a variable so that the
 * type checker and bundlers leave its import alone.
 */
const TFJS_NODE = '@tensorflow/tfjs-node';

/**
 * Returns the native backend as a runtime-selection candidate. Nothing is
 * loaded until `initialise` runs.
 *
 * `initialise` loads the addon, registers the `native` tfjs backend (the
 * cpu backend's kernels with the addon's in place of the hot ones), sets
 * OpenBLAS's thread count, makes the backend active and turns on tfjs
 * production mode.
 *
 * @throws InvalidParameterError for an unknown engine or a thread count
 * below 1.
 * @throws BackendUnavailableError from `initialise` naming what is missing:
 * an addon that was not built (with the reason the build recorded, such as
 * libopenblas not found), one that fails to load, or tfjs-node not
 * installed.
 */
export function nativeBackend(
  options: NativeBackendOptions = {},
): BackendCandidate {
  const engine = options.engine ?? 'auto';
  if (!NATIVE_ENGINES.includes(engine)) {
    throw new InvalidParameterError(
      'engine',
      engine,
      `engine must be one of ${NATIVE_ENGINES.join(', ')}, got "${engine}"`,
    );
  }
  const threads = options.threads ?? 1;
  assertIntegerInRange('threads', threads, 1);
  const env = options.env ?? process.env;
  const addonPath =
    options.addonPath ??
    nonEmpty(env['FIXCLUST_NATIVE_ADDON']) ??
    DEFAULT_ADDON_PATH;

  return {
    name: 'native',
    initialise: () => initialiseNative(engine, addonPath, threads),
  };
}

async function initialiseNative(
  engine: NativeEngine,
  addonPath: string,
  threads: number,
): Promise<BackendInfo> {
  if (engine === 'tfjs-node') return initialiseTfjsNode();
  if (engine === 'addon') return initialiseAddon(addonPath, threads);
  try {
    return await initialiseAddon(addonPath, threads);
  } catch (addonError) {
    if (!isTfjsNodeInstalled()) throw addonError;
    try {
      return await initialiseTfjsNode();
    } catch (tfjsNodeError) {
      throw new BackendUnavailableError(
        'native',
        `${errorMessage(addonError)}; ${errorMessage(tfjsNodeError)}`,
        { cause: tfjsNodeError },
      );
    }
  }
}

async function initialiseAddon(
  addonPath: string,
  threads: number,
): Promise<BackendInfo> {
  const addon = loadAddon(addonPath);
  const { registerNativeBackend, nativeKernelNames, NATIVE_BACKEND_NAME } =
    await import('./backend.js');
  registerNativeBackend(addon);
  addon.setThreads(threads);
  await activate(NATIVE_BACKEND_NAME);

  const blas = addon.blasInfo();
  const blasVersion = /OpenBLAS\s+(\S+)/.exec(blas.config)?.[1] ?? 'unknown';
  return {
    name: 'native',
    version,
    threads: addon.getThreads(),
    details:
      `OpenBLAS ${blasVersion} (${blas.coreName} kernels), ` +
      `${nativeKernelNames().length} native kernels, the rest from tfjs cpu`,
  };
}

async function initialiseTfjsNode(): Promise<BackendInfo> {
  let tfjsNode: { version: Record<string, string> };
  try {
    tfjsNode = (await import(TFJS_NODE)) as typeof tfjsNode;
  } catch (error) {
    throw new BackendUnavailableError(
      'native',
      `${TFJS_NODE} could not be loaded (${errorMessage(error)}); install ` +
        `it, or use the engine "addon"`,
      { cause: error },
    );
  }
  await activate('tensorflow');
  return {
    name: 'native',
    version: tfjsNode.version['tfjs-node'] ?? 'unknown',
    // NOTE: TensorFlow's default intra-op thread pool has one thread per
    // core; this was not checked against a running tfjs-node here, which
    // cannot install it.
    threads: availableParallelism(),
    details:
      `TensorFlow ${tfjsNode.version['tensorflow'] ?? ''} via ${TFJS_NODE}`.trim(),
  };
}

function isTfjsNodeInstalled(): boolean {
  try {
    require.resolve(TFJS_NODE);
    return true;
  } catch {
    return false;
  }
}

async function activate(name: string): Promise<void> {
  tf.enableProdMode();
  if (!(await tf.setBackend(name))) {
    throw new BackendUnavailableError(
      'native',
      `tf.setBackend("${name}") returned false`,
    );
  }
  await tf.ready();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
