import { BackendUnavailableError, errorMessage } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

/** Advice that ends every message of {@link requireBackend}. */
const HOW_TO_START =
  'install a backend package such as @fixclust/backend-wasm and start ' +
  'it first, for example with `await selectBackend({ candidates: ' +
  '[wasmBackend()] })`, selectBackend coming from @fixclust/core';

/**
 * Waits for TensorFlow.js's backend, so that `operation` (such as `fit`)
 * fails with a message saying how to start one, rather than tfjs's bare
 * "No backend found in registry.", when none has been started.
 *
 * @throws BackendUnavailableError when no backend is registered, or when
 * none of the registered ones starts.
 */
export async function requireBackend(operation: string): Promise<void> {
  const registered = tf.engine().backendNames();
  if (registered.length === 0) {
    throw new BackendUnavailableError(
      'none',
      `${operation} needs a compute backend, but no TensorFlow.js ` +
        `backend is registered; ${HOW_TO_START}`,
    );
  }
  try {
    await tf.ready();
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
