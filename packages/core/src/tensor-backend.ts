import { BackendUnavailableError, errorMessage } from './errors.js';

/**
 * The part of the TensorFlow.js namespace (`import * as tf from
 * '@tensorflow/tfjs-core'`) that {@link requireTensorBackend} and
 * {@link assertTensorBackendStarted} read. Packages that use tfjs pass
 * their own copy, so that this package needs no tfjs dependency.
 */
export interface TensorBackendApi {
  engine(): {
    /** Names of the registered backends, started or not. */
    backendNames(): string[];
    /** The active backend, started on first use when it starts at once. */
    readonly backend: unknown;
  };
  /** Resolves when the active backend has started. */
  ready(): Promise<void>;
}

/** Advice that ends every message of the checks below. */
const HOW_TO_START =
  'install a backend package such as @fixclust/backend-wasm and start ' +
  'it first, for example with `await selectBackend({ candidates: ' +
  '[wasmBackend()] })`, selectBackend coming from @fixclust/core';

/**
 * Waits for TensorFlow.js's backend, so that `operation` (such as `fit`)
 * fails with a message saying how to start one, rather than tfjs's bare
 * "No backend found in registry.", when none has been started.
 *
 * @param tfjs - the caller's TensorFlow.js namespace.
 * @throws BackendUnavailableError when no backend is registered, or when
 * none of the registered ones starts.
 */
export async function requireTensorBackend(
  operation: string,
  tfjs: TensorBackendApi,
): Promise<void> {
  const registered = registeredBackends(operation, tfjs);
  try {
    await tfjs.ready();
  } catch (error) {
    throw new BackendUnavailableError(
      registered.join(', '),
      `${operation} needs a compute backend, but no registered ` +
        `TensorFlow.js backend (${registered.join(', ')}) started: ` +
        `${errorMessage(error)}; ${HOW_TO_START}`,
      { cause: error },
    );
  }
}

/**
 * Checks, without waiting, that TensorFlow.js has a started backend, for
 * a synchronous `operation` such as a fitted baseline's `predict`. A
 * backend that starts at once, such as tfjs's cpu, is started here. One
 * that starts asynchronously, such as wasm, must have been awaited.
 *
 * @param tfjs - the caller's TensorFlow.js namespace.
 * @throws BackendUnavailableError when no backend is registered, or when
 * the active one has not finished starting or failed to start.
 */
export function assertTensorBackendStarted(
  operation: string,
  tfjs: TensorBackendApi,
): void {
  const registered = registeredBackends(operation, tfjs);
  try {
    // Reading the getter starts a backend that starts synchronously.
    void tfjs.engine().backend;
  } catch (error) {
    throw new BackendUnavailableError(
      registered.join(', '),
      `${operation} needs a started compute backend, but the registered ` +
        `TensorFlow.js backends (${registered.join(', ')}) have not ` +
        `started: ${errorMessage(error)}; ${HOW_TO_START}`,
      { cause: error },
    );
  }
}

/** Returns the registered backends' names, or throws when there are none. */
function registeredBackends(
  operation: string,
  tfjs: TensorBackendApi,
): string[] {
  const registered = tfjs.engine().backendNames();
  if (registered.length > 0) return registered;
  throw new BackendUnavailableError(
    'none',
    `${operation} needs a compute backend, but no TensorFlow.js backend ` +
      `is registered; ${HOW_TO_START}`,
  );
}
