import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { BackendUnavailableError, errorMessage } from '@fixclust/core';

/** The entry points of the compiled addon (`native/*.cc`). */
export interface NativeAddon {
  /** Version of the entry points below; see {@link ADDON_API_VERSION}. */
  readonly apiVersion: number;
  /** Sets the number of threads OpenBLAS uses. */
  setThreads(threads: number): void;
  /** Returns the number of threads OpenBLAS uses. */
  getThreads(): number;
  /** Describes the OpenBLAS library the addon is linked against. */
  blasInfo(): BlasInfo;
  /**
   * Computes `out[i] = op(a[i]) · op(b[i])` for `i < batch` with OpenBLAS's
   * sgemm, where `op(a[i])` is `m × k`, `op(b[i])` is `k × n`, both
   * row-major, and batch entry i starts at `i * stride` (0 repeats one
   * matrix).
   */
  matMul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    batch: number,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    strideA: number,
    strideB: number,
  ): void;
  /** Applies a unary operation (see `UnaryOp`) to every element. */
  unary(op: number, x: Float32Array, out: Float32Array): void;
  /**
   * Applies a binary operation (see `BinaryOp`) with broadcasting. `layout`
   * contains the 4 output sizes, then a's and b's 4 strides.
   */
  binary(
    op: number,
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    layout: Int32Array,
  ): void;
  /**
   * Writes `a op b` as 1 or 0 (see `CompareOp`) with broadcasting, `layout`
   * as in `binary`.
   */
  compare(
    op: number,
    a: Float32Array,
    b: Float32Array,
    out: Uint8Array,
    layout: Int32Array,
  ): void;
  /** Reduces the middle axis of `x` seen as `outer × reduced × inner`. */
  reduce(
    op: number,
    x: Float32Array,
    out: Float32Array,
    outer: number,
    reduced: number,
    inner: number,
  ): void;
  /** Writes the index of the minimum (op 0) or maximum (op 1). */
  argReduce(
    op: number,
    x: Float32Array,
    out: Int32Array,
    outer: number,
    reduced: number,
    inner: number,
  ): void;
  /**
   * Permutes `x` into `out`. `layout` contains the collapsed rank, the 4
   * output sizes and each output axis's input stride.
   */
  transpose(x: Float32Array, out: Float32Array, layout: Int32Array): void;
  /**
   * Runs one training step of a stack of dense layers (see
   * `native/training_step.cc` for the argument layout) and returns the
   * batch's loss before the update. Writes the updated parameters and
   * moments to the `new*` arrays (the moment lists are empty for SGD), and
   * the loss's clustering and variable-features terms to `terms`.
   */
  denseTrainingStep(
    x: Float32Array,
    points: Float32Array,
    params: Float32Array[],
    firstMoments: Float32Array[],
    secondMoments: Float32Array[],
    newParams: Float32Array[],
    newFirstMoments: Float32Array[],
    newSecondMoments: Float32Array[],
    shape: Int32Array,
    activations: Int32Array,
    settings: Float64Array,
    target: Float32Array,
    terms: Float64Array,
  ): number;
  /**
   * Runs consecutive steps of `denseTrainingStep` on batches of the rows of
   * `data` taken in `order` (see `native/training_step.cc`), and returns
   * how many ran: all `batching[1]`, or up to the first non-finite loss.
   * Writes each step's loss and terms to `stepTerms`, 3 per step, and the
   * last step's parameters and moments to the `new*` arrays.
   */
  denseTrainingSteps(
    data: Float32Array,
    points: Float32Array,
    params: Float32Array[],
    firstMoments: Float32Array[],
    secondMoments: Float32Array[],
    newParams: Float32Array[],
    newFirstMoments: Float32Array[],
    newSecondMoments: Float32Array[],
    shape: Int32Array,
    activations: Int32Array,
    settings: Float64Array,
    target: Float32Array,
    stepTerms: Float32Array,
    order: Int32Array,
    batching: Int32Array,
  ): number;
}

/** OpenBLAS's description of itself. */
export interface BlasInfo {
  /** Build description, such as `OpenBLAS 0.3.21 DYNAMIC_ARCH ...`. */
  config: string;
  /** CPU kernel set chosen at run time, such as `Haswell`. */
  coreName: string;
  /** Processors OpenBLAS counted. */
  processors: number;
}

/** Version of the addon's entry points this package calls. */
export const ADDON_API_VERSION = 3;

/** Path where `pnpm build` puts the compiled addon. */
export const DEFAULT_ADDON_PATH = fileURLToPath(
  new URL('../build/Release/fixclust_native.node', import.meta.url),
);

/**
 * This package's folder, where the build script runs, whether it was
 * installed from npm or is part of the fixclust repository.
 */
const PACKAGE_FOLDER = fileURLToPath(new URL('..', import.meta.url));

/** The build command, which works from npm installs and the repository. */
const BUILD_COMMAND = `node scripts/build-addon.mjs in ${PACKAGE_FOLDER}`;

const BUILD_HINT =
  'install libopenblas-dev, g++, make and python3, then run ' + BUILD_COMMAND;

const require = createRequire(import.meta.url);

/**
 * Loads the compiled addon from `path`.
 *
 * @throws BackendUnavailableError naming what is missing and how to build
 * it: the file is absent (with the reason the build script recorded in
 * `addon-status.json` two folders up, as in `build/Release/*.node`), it
 * fails to load (for example when libopenblas.so.0 is gone), or it is from
 * an older version of this package.
 */
export function loadAddon(path: string = DEFAULT_ADDON_PATH): NativeAddon {
  if (!existsSync(path)) {
    throw new BackendUnavailableError(
      'native',
      `native addon not built: ${missingAddonReason(path)}; ${BUILD_HINT}`,
    );
  }

  let addon: NativeAddon;
  try {
    addon = require(path) as NativeAddon;
  } catch (error) {
    throw new BackendUnavailableError(
      'native',
      `native addon ${path} failed to load: ${errorMessage(error)}; ` +
        BUILD_HINT,
      { cause: error },
    );
  }
  if (addon.apiVersion !== ADDON_API_VERSION) {
    throw new BackendUnavailableError(
      'native',
      `native addon ${path} has API version ${addon.apiVersion}, this ` +
        `package needs ${ADDON_API_VERSION}; rebuild it with ` +
        BUILD_COMMAND,
    );
  }
  return addon;
}

/**
 * Returns the reason the build script recorded, or states that the file is
 * missing.
 */
function missingAddonReason(path: string): string {
  const missing = `${path} not found`;
  const statusPath = join(dirname(dirname(path)), 'addon-status.json');
  if (!existsSync(statusPath)) return missing;
  try {
    const status = JSON.parse(readFileSync(statusPath, 'utf8')) as {
      reason?: unknown;
    };
    return typeof status.reason === 'string' ? status.reason : missing;
  } catch {
    return missing;
  }
}
