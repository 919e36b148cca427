import { cpuBackend } from '@fixclust/backend-cpu';
import { Random } from '@fixclust/core';
import { FixedRepresentativeClustering } from '@fixclust/model';
import { describeBackendConformance } from '@fixclust/model/conformance';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';

import { nativeBackend } from './index.js';
import { describeWithAddon } from './test-support/addon.js';

/** 300 rows of 20 features in three noisy blobs. */
function blobs() {
  const random = new Random(11);
  const nSamples = 300;
  const nFeatures = 20;
  const x = new Float32Array(nSamples * nFeatures);
  for (let i = 0; i < nSamples; i++) {
    for (let j = 0; j < nFeatures; j++) {
      const centre = j % 3 === i % 3 ? 2 : 0;
      x[i * nFeatures + j] = centre + 2 * random.float() - 1;
    }
  }
  return { x, nSamples, nFeatures };
}

const km50 = {
  nClusters: 3,
  preset: 'km50' as const,
  seed: 5,
  nRuns: 2,
  epochs: 4,
  batchSize: 32,
};

describeWithAddon('native km50 training', () => {
  it('matches the cpu backend loss history', async () => {
    const data = blobs();
    const cpu = await cpuBackend().initialise();
    const expected = await new FixedRepresentativeClustering(km50).fit(data, {
      backend: cpu,
    });
    const native = await nativeBackend({ engine: 'addon' }).initialise();
    const actual = await new FixedRepresentativeClustering(km50).fit(data, {
      backend: native,
    });

    expect(actual.runs).toHaveLength(2);
    actual.runs.forEach((run, r) => {
      const reference = expected.runs[r]!.epochLosses;
      expect(run.epochLosses).toHaveLength(reference.length);
      run.epochLosses.forEach((loss, epoch) => {
        const expectedLoss = reference[epoch]!;
        const relative = Math.abs(loss - expectedLoss) / Math.abs(expectedLoss);
        expect(relative, `run ${r}, epoch ${epoch}`).toBeLessThan(1e-3);
      });
    });
  });

  it('leaks no tensors over a fit', async () => {
    await nativeBackend({ engine: 'addon' }).initialise();
    const data = blobs();
    const before = tf.memory().numTensors;
    await new FixedRepresentativeClustering({ ...km50, epochs: 6 }).fit(data);
    expect(tf.memory().numTensors).toBe(before);
  });

  describeBackendConformance('native', nativeBackend({ engine: 'addon' }), {
    tolerance: 1e-4,
  });
});
