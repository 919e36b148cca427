import { Random } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

import '../gradients.js';
import { mixtureLoss } from '../mixture/losses.js';
import { FixedRepresentativeClustering } from '../model.js';
import {
  applyConv,
  convTensors,
  initialiseConv,
} from '../network/convolution.js';
import type { DataMatrix } from '../data.js';
import {
  referenceConvolutionRelu,
  referenceMixtureLoss,
} from './reference-options.js';

/** Checks each value against a reference, relative to its largest value. */
export type CloseCheck = (
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
) => void;

/**
 * Checks the mixture likelihood with trained locations, weights and full
 * lower-triangular scales against the float64 reference, and that its
 * gradient with respect to every parameter is finite.
 */
export async function checkMixtureLoss(
  loss: 'gmm' | 'cmm',
  tolerance: number,
  expectClose: CloseCheck,
): Promise<void> {
  const random = new Random(11);
  const draw = (n: number, spread: number) =>
    Array.from({ length: n }, () => spread * (2 * random.float() - 1));
  const y = Array.from({ length: 10 }, () => draw(3, 2));
  const locations = Array.from({ length: 4 }, () => draw(3, 1.5));
  const logits = draw(4, 0.5);
  const rawScales = Array.from({ length: 4 }, () =>
    Array.from({ length: 3 }, () => draw(3, 0.4)),
  );
  const expected = referenceMixtureLoss(loss, y, locations, logits, rawScales);

  const parameters = [
    tf.tensor2d(locations),
    tf.tensor1d(logits),
    tf.tensor3d(rawScales),
  ] as const;
  const batch = tf.tensor2d(y);
  const objective = (...tensors: tf.Tensor[]) =>
    mixtureLoss(batch, {
      loss,
      locations: tensors[0] as tf.Tensor2D,
      logits: tensors[1] as tf.Tensor1D,
      scale: tensors[2] as tf.Tensor3D,
    });
  const { value, grads } = tf.valueAndGrads(objective)([...parameters]);
  expectClose(await value.data(), [expected], tolerance);
  for (const gradient of grads) {
    expect(Array.from(await gradient.data()).every(Number.isFinite)).toBe(true);
  }
  tf.dispose([...parameters, batch, value, ...grads]);
}

/** Checks the CNN's 3 × 3 same-padded convolution against the reference. */
export async function checkConvolution(
  tolerance: number,
  expectClose: CloseCheck,
): Promise<void> {
  const random = new Random(12);
  const weights = initialiseConv(
    { inChannels: 2, outChannels: 3, activation: 'relu' },
    random,
  );
  weights.bias.set([0.05, -0.1, 0.2]);
  const image = Array.from({ length: 5 }, () =>
    Array.from({ length: 5 }, () => [random.float(), random.float() - 0.5]),
  );
  const expected = referenceConvolutionRelu(
    image,
    weights.kernel,
    Array.from(weights.bias),
  );
  const layer = convTensors(weights);
  const x = tf.tensor4d([image]);
  const output = applyConv(x, layer);
  expectClose(await output.data(), expected, tolerance);
  tf.dispose([x, output, layer.kernel, layer.bias]);
}

/**
 * Trains a small autoencoder with the clustering loss and checks that the
 * reconstruction error falls and no tensor leaks.
 */
export async function checkAutoencoderRun(data: DataMatrix): Promise<void> {
  const before = tf.memory().numTensors;
  const result = await new FixedRepresentativeClustering({
    nClusters: 3,
    nRuns: 1,
    epochs: 6,
    batchSize: 32,
    learningRate: 0.01,
    autoencoder: { depth: 1, sizes: [4], decoderActivation: 'linear' },
    seed: 5,
  }).fit(data);
  expect(tf.memory().numTensors).toBe(before);
  const history = result.runs[0]!.epochReconstruction!;
  expect(history).toHaveLength(6);
  expect(history.every(Number.isFinite)).toBe(true);
  expect(history[5]!).toBeLessThan(history[0]!);
}
