import { requireTensorBackend } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Waits for TensorFlow.js's backend, so that `operation` (such as `fit`)
 * fails with a message saying how to start one, rather than tfjs's bare
 * "No backend found in registry.", when none has been started.
 *
 * @throws BackendUnavailableError when no backend is registered, or when
 * none of the registered ones starts.
 */
export async function requireBackend(operation: string): Promise<void> {
  await requireTensorBackend(operation, tf);
}
