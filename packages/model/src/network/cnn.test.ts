import { join } from 'node:path';

import { wasmBackend } from '@fixclust/backend-wasm';
import { Random, type Dataset } from '@fixclust/core';
import { loadUsps, sampleDataset } from '@fixclust/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { describeWithData } from '../../../../tools/test-data.js';
import '../gradients.js';
import { FixedRepresentativeClustering } from '../model.js';
import {
  applyConv,
  capBatchRows,
  convTensors,
  initialiseConv,
} from './convolution.js';
import { initialiseNetwork } from './architecture.js';

beforeAll(async () => {
  await wasmBackend().initialise();
});

describe('applyConv', () => {
  it('matches tf.conv2d with same padding', async () => {
    const spec = { inChannels: 2, outChannels: 3, activation: 'relu' as const };
    const weights = initialiseConv(spec, new Random(1));
    weights.bias.set([0.1, -0.2, 0.3]);
    const layer = convTensors(weights);
    const x = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 7) as tf.Tensor4D;
    const kernel = tf.tensor4d(weights.kernel, [3, 3, 2, 3]);
    const expected = tf.relu(
      tf.add(tf.conv2d(x, kernel, 1, 'same'), layer.bias),
    );
    const actual = applyConv(x, layer);
    expect(actual.shape).toEqual([2, 4, 4, 3]);
    const [a, e] = await Promise.all([actual.data(), expected.data()]);
    a.forEach((value, i) => expect(value).toBeCloseTo(e[i]!, 5));
    tf.dispose([x, kernel, expected, actual, layer.kernel, layer.bias]);
  });
});

describe('capBatchRows', () => {
  it('keeps patch matrices within 2^24 values', () => {
    const levels = [{ inChannels: 1 }, { inChannels: 64 }];
    // Level 2 of a 28 × 28 image: 14 × 14 × 9 × 64 = 112,896 per sample.
    expect(capBatchRows(4096, 28, levels)).toBe(148);
    expect(capBatchRows(100, 28, levels)).toBe(100);
    expect(capBatchRows(4096, 28, [])).toBe(4096);
  });
});

describe('CNN layout', () => {
  it('halves the image per level and mirrors it in the decoder', () => {
    const weights = initialiseNetwork(
      {
        inputSize: 64,
        hiddenSizes: [16],
        outputSize: 4,
        hiddenActivation: 'relu',
        outputActivation: 'linear',
        image: { height: 8, width: 8, channels: 1 },
        filters: [4, 6],
        autoencoder: { sizes: [10], decoderActivation: 'sigmoid' },
      },
      new Random(1),
    );
    const convs = (layers: typeof weights.convolutions) =>
      (layers ?? []).map((l) => [l.inChannels, l.outChannels, l.activation]);
    expect(convs(weights.convolutions)).toEqual([
      [1, 4, 'relu'],
      [4, 6, 'relu'],
    ]);
    expect(weights.encoder![0]!.inputSize).toBe(2 * 2 * 6);
    expect(weights.decoder!.map((l) => [l.inputSize, l.outputSize])).toEqual([
      [10, 24],
    ]);
    expect(convs(weights.deconvolutions)).toEqual([
      [6, 4, 'relu'],
      [4, 1, 'sigmoid'],
    ]);
  });
});

describeWithData('CNN on USPS', ['usps/usps.h5'], (directory) => {
  let data: Dataset;

  beforeAll(async () => {
    const usps = await loadUsps({ path: join(directory, 'usps/usps.h5') });
    data = sampleDataset(usps, 120, new Random(0));
  });

  it('clusters 16 × 16 digits with the default filters', async () => {
    const model = new FixedRepresentativeClustering({
      nClusters: 10,
      network: 'cnn',
      nRuns: 1,
      epochs: 1,
      seed: 1,
    });
    const before = tf.memory().numTensors;
    const result = await model.fit(data);
    expect(tf.memory().numTensors).toBe(before);
    const state = model.fittedState!;
    expect(state.weights.image).toEqual({ height: 16, width: 16, channels: 1 });
    expect(state.weights.convolutions!.map((l) => l.outChannels)).toEqual([
      64, 128,
    ]);
    expect(state.weights.layers[0]!.inputSize).toBe(4 * 4 * 128);
    expect(result.runs[0]!.epochLosses.every(Number.isFinite)).toBe(true);
    expect(Array.from(await model.predict(data))).toEqual(
      Array.from(result.labels),
    );
  });

  it('reduces the reconstruction error with upsampling', async () => {
    const model = new FixedRepresentativeClustering({
      nClusters: 10,
      network: 'cnn',
      filters: [8, 16],
      autoencoder: { depth: 1, sizes: [32] },
      nRuns: 1,
      epochs: 4,
      learningRate: 0.003,
      seed: 2,
    });
    const result = await model.fit(data);
    const history = result.runs[0]!.epochReconstruction!;
    expect(history).toHaveLength(4);
    expect(history[3]!).toBeLessThan(history[0]!);
    expect(model.fittedState!.weights.deconvolutions).toHaveLength(2);
  });

  it('reads an explicit imageShape', async () => {
    const model = new FixedRepresentativeClustering({
      nClusters: 10,
      network: 'cnn',
      imageShape: [16, 16],
      filters: [4],
      nRuns: 1,
      epochs: 1,
      seed: 3,
    });
    const flat = { x: data.x, nSamples: data.nSamples, nFeatures: 256 };
    await model.fit(flat);
    expect(model.fittedState!.weights.image).toEqual({
      height: 16,
      width: 16,
      channels: 1,
    });
    expect(model.fittedState!.weights.layers[0]!.inputSize).toBe(8 * 8 * 4);
  });

  it('rejects 15 × 17 images', async () => {
    const model = new FixedRepresentativeClustering({
      nClusters: 10,
      network: 'cnn',
      nRuns: 1,
      epochs: 1,
    });
    const odd = { x: new Float32Array(20 * 255), nSamples: 20, nFeatures: 255 };
    await expect(model.fit({ ...odd, sampleShape: [15, 17] })).rejects.toThrow(
      'network "cnn" needs square images, but sampleShape [15, 17] is 15 × 17, not square',
    );
  });

  it('rejects images whose side pooling cannot halve', async () => {
    const model = new FixedRepresentativeClustering({
      nClusters: 10,
      network: 'cnn',
      filters: [4, 4, 4],
      nRuns: 1,
      epochs: 1,
    });
    const images = {
      x: new Float32Array(20 * 144),
      nSamples: 20,
      nFeatures: 144,
    };
    await expect(
      model.fit({ ...images, sampleShape: [12, 12] }),
    ).rejects.toThrow(
      'sampleShape [12, 12] has side 12, which 3 levels of 2 × 2 pooling ' +
        'cannot halve evenly: the side must be divisible by 8',
    );
  });

  it('rejects data without an image shape', async () => {
    const model = new FixedRepresentativeClustering({
      nClusters: 10,
      network: 'cnn',
    });
    const flat = { x: data.x, nSamples: data.nSamples, nFeatures: 256 };
    await expect(model.fit(flat)).rejects.toThrow(
      expect.objectContaining({ parameter: 'imageShape' }),
    );
  });
});
