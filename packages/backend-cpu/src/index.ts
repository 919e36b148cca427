/**
 * Plain JavaScript compute backend for fixclust: TensorFlow.js's cpu
 * backend. It starts everywhere, so runtime selection keeps it last.
 *
 * @packageDocumentation
 */
import type { BackendCandidate, BackendInfo } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Returns the cpu backend as a runtime-selection candidate. Nothing is
 * loaded until `initialise` runs.
 *
 * `initialise` loads `@tensorflow/tfjs-backend-cpu`, makes it the active
 * tfjs backend and turns on tfjs production mode, which stops the cpu
 * backend from printing its tfjs-node advertisement on first use.
 */
export function cpuBackend(): BackendCandidate {
  return { name: 'cpu', initialise: initialiseCpu };
}

async function initialiseCpu(): Promise<BackendInfo> {
  const cpu = await import('@tensorflow/tfjs-backend-cpu');
  tf.enableProdMode();
  const started = await tf.setBackend('cpu');
  if (!started) {
    throw new Error('tf.setBackend("cpu") returned false');
  }
  await tf.ready();
  return { name: 'cpu', version: cpu.version_cpu, threads: 1 };
}
