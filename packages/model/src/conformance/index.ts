/**
 * The conformance suite every compute backend runs: losses, gradients, a
 * full training step, a short training run and prediction, checked against
 * plain float64 references.
 *
 * Import it from `@fixclust/model/conformance` inside a vitest test file.
 *
 * @packageDocumentation
 */
import {
  CLUSTERING_LOSSES,
  Random,
  type BackendCandidate,
  type ClusteringLoss,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import '../gradients.js';
import {
  clusteringLoss,
  disposeRepresentatives,
  representativeTensors,
  variableFeaturesTerm,
} from '../losses.js';
import { FixedRepresentativeClustering } from '../model.js';
import { initialiseNetwork, NetworkVariables } from '../network/index.js';
import type { DataMatrix } from '../data.js';
import { objective, trainingStep } from '../train.js';
import {
  referenceClusteringGradient,
  referenceClusteringLoss,
  referenceTrainingStep,
  referenceVariableFeatures,
  referenceVariableFeaturesGradient,
} from './reference.js';
import {
  checkAutoencoderRun,
  checkConvolution,
  checkMixtureLoss,
} from './option-cases.js';
import { checkBatchRuns, checkStepPaths, STEP_CASES } from './step-paths.js';

/** Options of {@link describeBackendConformance}. */
export interface ConformanceOptions {
  /**
   * Allowed error, relative to the largest reference magnitude of each
   * checked vector. Default: 1e-5, right for float32 kernels.
   */
  tolerance?: number;
  /**
   * Cases to skip, each with the reason. The training steps and prediction
   * can never be skipped.
   */
  exclude?: Readonly<Record<string, string>>;
}

const MANDATORY_CASES = [
  ...CLUSTERING_LOSSES.map((loss) => `${loss} training step`),
  'prediction',
];

const vertex3 = [
  [1, -1, -1],
  [-1, 1, -1],
  [-1, -1, 1],
];

/**
 * Declares the conformance suite for one backend. The backend is started
 * once before the suite; suites for several backends in one file run one
 * after another.
 *
 * @throws Error when `exclude` names a mandatory case.
 */
export function describeBackendConformance(
  name: string,
  candidate: BackendCandidate,
  options: ConformanceOptions = {},
): void {
  const tolerance = options.tolerance ?? 1e-5;
  const exclude = options.exclude ?? {};
  for (const mandatory of MANDATORY_CASES) {
    if (mandatory in exclude) {
      throw new Error(`the "${mandatory}" case cannot be excluded`);
    }
  }
  const check = (caseName: string, body: () => void | Promise<void>) => {
    const reason = exclude[caseName];
    if (reason === undefined) it(caseName, body);
    else it.skip(`${caseName} (excluded: ${reason})`, body);
  };

  describe(`${name} backend conformance`, () => {
    beforeAll(async () => {
      await candidate.initialise();
    });

    for (const loss of CLUSTERING_LOSSES) {
      check(`${loss} loss`, () => checkLoss(loss, tolerance));
      check(`${loss} gradient`, () => checkGradient(loss, tolerance));
      check(`${loss} training step`, () => checkStep(loss, tolerance));
    }
    for (const stepCase of STEP_CASES) {
      check(`step runner against the tfjs graph: ${stepCase.name}`, () =>
        checkStepPaths(stepCase, tolerance, expectClose),
      );
      check(`multi-step runs against single steps: ${stepCase.name}`, () =>
        checkBatchRuns(stepCase),
      );
    }
    check('variable-features term', () => checkSpread(tolerance));
    check('variable-features on identical rows', checkIdenticalRows);
    check('prediction', () => checkPrediction());
    check('short training run', () => checkTrainingRun());
    check('same seed, same labels', () => checkDeterminism());
    for (const loss of ['gmm', 'cmm'] as const) {
      check(`${loss} trained mixture loss`, () =>
        checkMixtureLoss(loss, tolerance, expectClose),
      );
    }
    check('convolution', () => checkConvolution(tolerance, expectClose));
    check('autoencoder training run', () => checkAutoencoderRun(blobs(9)));
  });
}

/** Samples scattered around the three vertex representatives. */
function sampleBatch(seed: number, n = 12): number[][] {
  const random = new Random(seed);
  return Array.from({ length: n }, (_, i) =>
    vertex3[i % 3]!.map((v) => v + 3 * (random.float() - 0.5)),
  );
}

/**
 * Checks each value against the reference to within `tolerance` times the
 * largest reference magnitude, so small entries of a vector are held to the
 * vector's own scale.
 */
function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
): void {
  expect(actual.length).toBe(expected.length);
  let scale = 1e-3;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  const allowed = tolerance * scale;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i]! - expected[i]!);
    if (!(error <= allowed)) {
      expect.fail(
        `value ${i}: got ${actual[i]}, expected ${expected[i]} ± ${allowed}`,
      );
    }
  }
}

async function checkLoss(
  loss: ClusteringLoss,
  tolerance: number,
): Promise<void> {
  const y = sampleBatch(1);
  const representatives = representativeTensors(vertex3);
  const value = tf.tidy(() =>
    clusteringLoss(loss, tf.tensor2d(y), representatives),
  );
  expectClose(
    await value.data(),
    [referenceClusteringLoss(loss, y, vertex3)],
    tolerance,
  );
  value.dispose();
  disposeRepresentatives(representatives);
}

async function checkGradient(
  loss: ClusteringLoss,
  tolerance: number,
): Promise<void> {
  const y = sampleBatch(2);
  const representatives = representativeTensors(vertex3);
  const input = tf.tensor2d(y);
  const gradient = tf.grad((t: tf.Tensor) =>
    clusteringLoss(loss, t as tf.Tensor2D, representatives),
  )(input);
  const expected = referenceClusteringGradient(loss, y, vertex3).flat();
  expectClose(await gradient.data(), expected, tolerance);
  tf.dispose([input, gradient]);
  disposeRepresentatives(representatives);
}

async function checkSpread(tolerance: number): Promise<void> {
  const y = sampleBatch(3);
  const input = tf.tensor2d(y);
  const { value, grad } = tf.valueAndGrad((t: tf.Tensor) =>
    variableFeaturesTerm(t as tf.Tensor2D, 50, 1e-8),
  )(input);
  expectClose(
    await value.data(),
    [referenceVariableFeatures(y, 50, 1e-8)],
    tolerance,
  );
  expectClose(
    await grad.data(),
    referenceVariableFeaturesGradient(y, 50, 1e-8).flat(),
    tolerance,
  );
  tf.dispose([input, value, grad]);
}

async function checkIdenticalRows(): Promise<void> {
  const input = tf.fill([8, 3], 2.5);
  const { value, grad } = tf.valueAndGrad((t: tf.Tensor) =>
    variableFeaturesTerm(t as tf.Tensor2D, 50, 1e-8),
  )(input);
  expect(Number.isFinite((await value.data())[0])).toBe(true);
  expect(Array.from(await grad.data()).every(Number.isFinite)).toBe(true);
  tf.dispose([input, value, grad]);
}

async function checkStep(
  loss: ClusteringLoss,
  tolerance: number,
): Promise<void> {
  const x = sampleBatch(4, 16).map((row) => [...row, row[0]! * row[1]!]);
  const shape = {
    inputSize: 4,
    hiddenSizes: [5],
    outputSize: 3,
    hiddenActivation: 'tanh' as const,
    outputActivation: 'linear' as const,
  };
  const weights = initialiseNetwork(shape, new Random(5));
  const settings = {
    loss,
    lambda: 2,
    varianceEpsilon: 1e-8,
    learningRate: 0.01,
    beta1: 0.9,
    beta2: 0.999,
    adamEpsilon: tf.backend().epsilon(),
  };
  const expected = referenceTrainingStep(weights, x, vertex3, settings);

  const representatives = representativeTensors(vertex3);
  const network = new NetworkVariables(weights);
  const optimizer = tf.train.adam(settings.learningRate);
  const batch = tf.tensor2d(x);
  const context = { options: settings, representatives };
  const { grads } = tf.variableGrads(
    () => objective(context, network, batch),
    network.variables(),
  );
  const gradients = await Promise.all(
    network.variables().map((v) => grads[v.name]!.data()),
  );
  tf.dispose(grads);
  const lossValue = await trainingStep(
    { options: settings, representatives },
    network,
    optimizer,
    batch,
  );
  const updated = (await network.read()).layers.flatMap((l) => [
    l.weight,
    l.bias,
  ]);
  tf.dispose(batch);
  optimizer.dispose();
  network.dispose();
  disposeRepresentatives(representatives);

  expectClose([lossValue], [expected.loss], tolerance);
  gradients.forEach((values, i) =>
    expectClose(values, expected.gradients[i]!.flat(), tolerance),
  );
  updated.forEach((values, i) =>
    expectClose(values, expected.weights[i]!.flat(), tolerance),
  );
}

/** Two-dimensional blobs around the representatives, lifted to 6 features. */
function blobs(seed: number): DataMatrix {
  const random = new Random(seed);
  const nSamples = 150;
  const nFeatures = 6;
  const x = new Float32Array(nSamples * nFeatures);
  for (let i = 0; i < nSamples; i++) {
    for (let j = 0; j < nFeatures; j++) {
      const centre = j % 3 === i % 3 ? 3 : 0;
      x[i * nFeatures + j] = centre + random.float() - 0.5;
    }
  }
  return { x, nSamples, nFeatures };
}

const runOptions = { nClusters: 3, nRuns: 1, epochs: 6, batchSize: 32 };

async function checkPrediction(): Promise<void> {
  const data = blobs(6);
  const model = new FixedRepresentativeClustering({ ...runOptions, seed: 2 });
  const before = tf.memory().numTensors;
  const result = await model.fit(data);
  const mapped = await model.transform(data);
  const labels = await model.predict(data);
  expect(tf.memory().numTensors).toBe(before);

  expect(Array.from(labels)).toEqual(Array.from(result.labels));
  for (let i = 0; i < data.nSamples; i++) {
    const y = Array.from(mapped.subarray(i * 3, i * 3 + 3));
    const distances = vertex3.map((r) =>
      r.reduce((s, v, j) => s + (v - y[j]!) ** 2, 0),
    );
    expect(labels[i]).toBe(distances.indexOf(Math.min(...distances)));
  }
}

async function checkTrainingRun(): Promise<void> {
  const data = blobs(7);
  const before = tf.memory().numTensors;
  // Ten epochs, so a leak of even one tensor per epoch shows.
  const result = await new FixedRepresentativeClustering({
    ...runOptions,
    epochs: 10,
    seed: 3,
    learningRate: 0.01,
  }).fit(data);
  expect(tf.memory().numTensors).toBe(before);

  const losses = result.runs[0]!.epochLosses;
  expect(losses).toHaveLength(10);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses[9]!).toBeLessThan(losses[0]!);
  // Each blob should land in a single cluster.
  for (let blob = 0; blob < 3; blob++) {
    const members = Array.from(result.labels).filter((_, i) => i % 3 === blob);
    expect(new Set(members).size).toBe(1);
  }
}

async function checkDeterminism(): Promise<void> {
  const data = blobs(8);
  const fit = () =>
    new FixedRepresentativeClustering({ ...runOptions, seed: 4 }).fit(data);
  const first = await fit();
  const second = await fit();
  expect(Array.from(second.labels)).toEqual(Array.from(first.labels));
  expect(second.runs[0]!.epochLosses).toEqual(first.runs[0]!.epochLosses);
}
