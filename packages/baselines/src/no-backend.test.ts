import { arrayStream, BackendUnavailableError } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { createFitted } from './fitted.js';
import { gaussianMixture } from './gaussian-mixture.js';
import { kmeans } from './kmeans.js';
import { miniBatchKMeans } from './mini-batch-kmeans.js';
import { pca } from './pca.js';

// No backend is started in this file, which runs in its own process, so
// the baselines that make tensors meet an empty tfjs registry.

const data = {
  x: Float32Array.from([0, 0, 0, 1, 1, 0, 5, 5, 5, 6, 6, 5]),
  nSamples: 6,
  nFeatures: 2,
};

const HOW_TO_START =
  'install a backend package such as @fixclust/backend-wasm and start ' +
  'it first, for example with `await selectBackend({ candidates: ' +
  '[wasmBackend()] })`, selectBackend coming from @fixclust/core';

/** Returns what `run` throws or rejects with, or fails when it succeeds. */
async function failure(run: () => unknown): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

const fittedKMeans = createFitted(
  {
    kind: 'kmeans',
    centredCentres: Float64Array.from([-3, -3, 3, 3]),
    mean: Float64Array.from([3, 3]),
    nClusters: 2,
    seed: 0,
  },
  {},
);

const fittedPca = createFitted(
  {
    kind: 'pca',
    nComponents: 1,
    components: Float64Array.from([Math.SQRT1_2, Math.SQRT1_2]),
    mean: Float64Array.from([3, 3]),
    explainedVariance: Float64Array.from([1]),
    explainedVarianceRatio: Float64Array.from([1]),
  },
  {},
);

describe('baselines without a backend', () => {
  it('has no backend registered', () => {
    expect(tf.engine().backendNames()).toEqual([]);
  });

  it('kmeans names the missing backend', async () => {
    const error = await failure(() => kmeans(data, { nClusters: 2 }));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toBe(
      'kmeans needs a compute backend, but no TensorFlow.js backend is ' +
        `registered; ${HOW_TO_START}`,
    );
  });

  it('pca names the missing backend', async () => {
    const error = await failure(() => pca(data, { nComponents: 1 }));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/^pca needs a compute backend/);
  });

  it('k-means predict names the missing backend', async () => {
    const error = await failure(() => fittedKMeans.predict(data));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toBe(
      'predict needs a compute backend, but no TensorFlow.js backend is ' +
        `registered; ${HOW_TO_START}`,
    );
  });

  it('pca transform names the missing backend', async () => {
    const error = await failure(() => fittedPca.transform(data));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/^transform needs a compute backend/);
  });

  it('checks arguments before the backend', async () => {
    const error = await failure(() => kmeans(data, { nClusters: 7 }));
    expect(error.name).toBe('InvalidParameterError');
  });

  it('gaussianMixture names the missing backend', async () => {
    const error = await failure(() =>
      gaussianMixture(data, { nComponents: 2 }),
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/^gaussianMixture needs a compute backend/);
  });

  it('miniBatchKMeans needs no backend', async () => {
    const result = await miniBatchKMeans(arrayStream(data), {
      nClusters: 2,
      seed: 0,
    });
    expect(result.labels).toHaveLength(6);
  });
});
