import { cpuBackend } from '@fixclust/backend-cpu';
import { wasmBackend } from '@fixclust/backend-wasm';
import {
  arrayStream,
  DENSE_TRAINING_STEPS_KERNEL,
  Random,
} from '@fixclust/core';
import { loadMnist } from '@fixclust/datasets';
import { FixedRepresentativeClustering } from '@fixclust/model';
import { describeBackendConformance } from '@fixclust/model/conformance';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';

import { nativeBackend } from './index.js';
import { describeWithData } from '../../../tools/test-data.js';
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
  it('reports a stream error raised before the first step', async () => {
    const native = await nativeBackend({ engine: 'addon' }).initialise();
    const model = new FixedRepresentativeClustering(km50);
    const fit = model.fit(arrayStream(blobs(), 50), {
      backend: native,
      blocksPerShuffle: 0,
    });
    await expect(fit).rejects.toThrow(
      'blocksPerShuffle must be an integer at least 1, got 0',
    );
  });

  it('stops a stream fit aborted before the first step', async () => {
    const native = await nativeBackend({ engine: 'addon' }).initialise();
    const controller = new AbortController();
    controller.abort();
    const result = await new FixedRepresentativeClustering(km50).fit(
      arrayStream(blobs(), 50),
      { backend: native, signal: controller.signal },
    );
    expect(result.runs[0]!.aborted).toBe(true);
  });

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

  it('fits the same with and without the multi-step kernel', async () => {
    const native = await nativeBackend({ engine: 'addon' }).initialise();
    const data = blobs();
    // 300 rows in batches of 7: 43 steps per epoch, the last of 6 rows.
    // The second setting's learning rate makes the loss non-finite.
    const settings = [
      { ...km50, batchSize: 7 },
      { ...km50, batchSize: 7, learningRate: 1e30 },
    ];
    const kernel = tf.getKernel(DENSE_TRAINING_STEPS_KERNEL, 'native')!;
    for (const [index, options] of settings.entries()) {
      const inCalls = await new FixedRepresentativeClustering(options).fit(
        data,
        { backend: native },
      );
      tf.unregisterKernel(DENSE_TRAINING_STEPS_KERNEL, 'native');
      try {
        const stepwise = await new FixedRepresentativeClustering(options).fit(
          data,
          { backend: native },
        );
        expect(inCalls.runs).toEqual(stepwise.runs);
        expect(inCalls.labels).toEqual(stepwise.labels);
        expect(inCalls.warnings).toEqual(stepwise.warnings);
        const stopped = inCalls.warnings.some(
          (warning) => warning.code === 'non-finite-loss',
        );
        expect(stopped).toBe(index === 1);
      } finally {
        tf.registerKernel(kernel);
      }
    }
  });

  it('rejects unknown names and non-integer batching in the kernel', async () => {
    await nativeBackend({ engine: 'addon' }).initialise();
    const inputs = {
      data: tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]),
      order: tf.tensor1d([3, 1, 0, 2], 'int32'),
      points: tf.tensor2d([1, -1, -1, 1], [2, 2]),
      p0: tf.tensor2d([0.1, 0.2, -0.1, 0.3], [2, 2]),
      p1: tf.tensor1d([0, 0]),
    };
    const attrs = {
      activations: ['linear'],
      loss: 'km',
      lossConstant: 0,
      lambda: 1,
      varianceEpsilon: 1e-8,
      deviationTarget: [],
      l2: 0,
      optimizer: 'sgd',
      learningRate: 0.1,
      beta1: 0,
      beta2: 0,
      epsilon: 0,
      step: 1,
      start: 0,
      batchSize: 2,
      batches: 2,
    };
    const run = (changed: Record<string, unknown>) => () => {
      const outputs = tf
        .engine()
        .runKernel(DENSE_TRAINING_STEPS_KERNEL, inputs, {
          ...attrs,
          ...changed,
        } as unknown as tf.NamedAttrMap) as tf.Tensor[];
      tf.dispose(outputs);
    };
    try {
      expect(run({})).not.toThrow();
      expect(run({ loss: 'foo' })).toThrow(
        'loss "foo" is not one of km, gmm, cmm',
      );
      expect(run({ optimizer: 'rmsprop' })).toThrow(
        'optimizer "rmsprop" is not one of adam, sgd',
      );
      expect(run({ activations: ['elu'] })).toThrow(
        'activation "elu" is not one of tanh, relu, sigmoid, linear',
      );
      expect(run({ start: 1.5 })).toThrow(/start must be an integer/);
      expect(run({ batches: -1 })).toThrow(/batches must be an integer/);
      expect(run({ batchSize: 2 ** 32 + 2 })).toThrow(
        /batchSize must be an integer/,
      );
    } finally {
      tf.dispose(Object.values(inputs));
    }
  });

  it('leaks no tensors over a 10-epoch fit', async () => {
    await nativeBackend({ engine: 'addon' }).initialise();
    const data = blobs();
    const before = tf.memory().numTensors;
    await new FixedRepresentativeClustering({ ...km50, epochs: 10 }).fit(data);
    expect(tf.memory().numTensors).toBe(before);
  });

  describeBackendConformance('native', nativeBackend({ engine: 'addon' }), {
    tolerance: 1e-4,
  });
});

describeWithAddon('native against wasm on MNIST', () => {
  describeWithData('all 70,000 digits', ['mnist'], (directory) => {
    it('agrees after a 2-epoch run', async () => {
      const mnist = await loadMnist({ path: `${directory}/mnist` });
      const options = { nClusters: 10, nRuns: 1, epochs: 2, seed: 1 };
      await wasmBackend().initialise();
      const wasm = await new FixedRepresentativeClustering(options).fit(mnist);
      await nativeBackend({ engine: 'addon' }).initialise();
      const native = await new FixedRepresentativeClustering(options).fit(
        mnist,
      );

      const same = native.labels.filter((l, i) => l === wasm.labels[i]).length;
      expect(same / mnist.nSamples).toBeGreaterThanOrEqual(0.99);
      native.runs[0]!.epochLosses.forEach((loss, epoch) => {
        const reference = wasm.runs[0]!.epochLosses[epoch]!;
        const relative = Math.abs(loss - reference) / Math.abs(reference);
        expect(relative, `epoch ${epoch}`).toBeLessThan(1e-3);
      });
    });
  });
});
