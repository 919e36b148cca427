import { join } from 'node:path';

import { wasmBackend } from '@fixclust/backend-wasm';
import { Random, type Dataset } from '@fixclust/core';
import { loadUsps, sampleDataset } from '@fixclust/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { describeWithData } from '../../../tools/test-data.js';
import { disposeRepresentatives, representativeTensors } from './losses.js';
import { FixedRepresentativeClustering } from './model.js';
import { initialiseNetwork, NetworkVariables } from './network/index.js';
import { objectiveTerms } from './objective.js';

beforeAll(async () => {
  await wasmBackend().initialise();
});

describe('autoencoder objective', () => {
  const shape = {
    inputSize: 6,
    hiddenSizes: [5],
    outputSize: 3,
    hiddenActivation: 'tanh' as const,
    outputActivation: 'linear' as const,
    autoencoder: { sizes: [4], decoderActivation: 'sigmoid' as const },
  };
  const vertex = [
    [1, -1, -1],
    [-1, 1, -1],
    [-1, -1, 1],
  ];

  it('adds the weighted reconstruction error', async () => {
    const network = new NetworkVariables(
      initialiseNetwork(shape, new Random(1)),
    );
    const representatives = representativeTensors(vertex);
    const x = tf.randomUniform([10, 6], 0, 1, 'float32', 3) as tf.Tensor2D;
    const termsWith = (reconstructionWeight: number) => {
      const options = {
        loss: 'km' as const,
        lambda: 1,
        varianceEpsilon: 1e-8,
        autoencoder: {
          depth: 1 as const,
          sizes: [4],
          decoderActivation: 'sigmoid' as const,
          reconstructionWeight,
        },
      };
      return objectiveTerms({ options, representatives }, network, x);
    };
    const one = termsWith(1);
    const three = termsWith(3);
    const [totalOne, totalThree, error] = await Promise.all([
      one.total.data(),
      three.total.data(),
      one.reconstruction!.data(),
    ]);
    expect(error[0]).toBeGreaterThan(0);
    expect(totalThree[0]! - totalOne[0]!).toBeCloseTo(2 * error[0]!, 5);
    tf.dispose([x, one.total, three.total, one.reconstruction!]);
    tf.dispose(three.reconstruction!);
    network.dispose();
    disposeRepresentatives(representatives);
  });

  it('mirrors the encoder in the decoder', () => {
    const weights = initialiseNetwork(
      { ...shape, autoencoder: { ...shape.autoencoder, sizes: [4, 2] } },
      new Random(1),
    );
    const sizes = (layers: typeof weights.layers | undefined) =>
      (layers ?? []).map((l) => [l.inputSize, l.outputSize, l.activation]);
    expect(sizes(weights.encoder)).toEqual([
      [6, 4, 'tanh'],
      [4, 2, 'tanh'],
    ]);
    expect(sizes(weights.layers)).toEqual([
      [2, 5, 'tanh'],
      [5, 3, 'linear'],
    ]);
    expect(sizes(weights.decoder)).toEqual([
      [2, 4, 'tanh'],
      [4, 6, 'sigmoid'],
    ]);
  });

  it('makes the code the mapped space without hidden layers', () => {
    const weights = initialiseNetwork(
      {
        ...shape,
        hiddenSizes: [],
        autoencoder: { ...shape.autoencoder, sizes: [4, 3] },
      },
      new Random(1),
    );
    expect(weights.layers).toEqual([]);
    const last = weights.encoder![1]!;
    expect([last.outputSize, last.activation]).toEqual([3, 'linear']);
  });
});

describeWithData('autoencoder on USPS', ['usps/usps.h5'], (directory) => {
  let data: Dataset;

  beforeAll(async () => {
    const usps = await loadUsps({ path: join(directory, 'usps/usps.h5') });
    data = sampleDataset(usps, 1000, new Random(0));
  });

  it('reduces the reconstruction error over 5 epochs', async () => {
    const model = new FixedRepresentativeClustering({
      nClusters: 10,
      preset: 'gmm1',
      autoencoder: { depth: 2 },
      nRuns: 1,
      epochs: 5,
      seed: 1,
    });
    const epochs: number[] = [];
    const result = await model.fit(data, {
      onEpochEnd: (progress) => epochs.push(progress.reconstruction!),
    });
    const history = result.runs[0]!.epochReconstruction!;
    expect(history).toHaveLength(5);
    expect(history).toEqual(epochs);
    for (let epoch = 1; epoch < 5; epoch++) {
      expect(history[epoch]!).toBeLessThan(history[epoch - 1]!);
    }
    expect(
      model.fittedState!.weights.encoder!.map((l) => l.outputSize),
    ).toEqual([128, 64]);
  });

  it('maps from the code when hiddenSizes is empty', async () => {
    const model = new FixedRepresentativeClustering({
      nClusters: 10,
      hiddenSizes: [],
      autoencoder: { depth: 1, decoderActivation: 'linear' },
      nRuns: 1,
      epochs: 2,
      seed: 2,
    });
    const result = await model.fit(data);
    const state = model.fittedState!;
    expect(state.weights.layers).toEqual([]);
    expect(state.weights.encoder!.map((l) => l.outputSize)).toEqual([10]);
    expect(state.weights.decoder![0]!.activation).toBe('linear');
    expect(await model.transform(data)).toHaveLength(1000 * 10);
    expect(Array.from(await model.predict(data))).toEqual(
      Array.from(result.labels),
    );
  });

  it('records no reconstruction without an autoencoder', async () => {
    const result = await new FixedRepresentativeClustering({
      nClusters: 10,
      nRuns: 1,
      epochs: 1,
      seed: 3,
    }).fit(data);
    expect(result.runs[0]!.epochReconstruction).toBeUndefined();
  });

  it('rejects a code size other than the dimension', async () => {
    const model = new FixedRepresentativeClustering({
      nClusters: 10,
      hiddenSizes: [],
      autoencoder: { depth: 1, sizes: [12] },
      nRuns: 1,
      epochs: 1,
    });
    await expect(model.fit(data)).rejects.toThrow(
      'autoencoder.sizes must end with its dimension 10, got [12]',
    );
  });
});
