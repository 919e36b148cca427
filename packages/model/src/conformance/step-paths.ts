import {
  DENSE_TRAINING_STEP_KERNEL,
  DENSE_TRAINING_STEPS_KERNEL,
  Random,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

import type { Activation } from '../activations.js';
import { disposeRepresentatives, representativeTensors } from '../losses.js';
import { initialiseNetwork, NetworkVariables } from '../network/index.js';
import type { ObjectiveContext } from '../objective.js';
import {
  createStepRunner,
  stepWithTerms,
  type StepOutcome,
  type StepRunner,
} from '../training-step.js';

type Expect = (
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
) => void;

/** One configuration the backend's step runner is checked on. */
interface StepCase {
  name: string;
  loss: 'km' | 'gmm' | 'cmm';
  hiddenSizes: number[];
  hiddenActivation: Activation;
  optimizer: 'adam' | 'sgd';
  l2?: number;
  deviationTarget?: number[];
}

/**
 * Configurations that between them reach every branch of a fused training
 * step: each loss, zero to two hidden layers, each activation, Adam and
 * SGD, the L2 penalty and a capped variable-features term.
 */
export const STEP_CASES: readonly StepCase[] = [
  {
    name: 'km, tanh hidden layer, Adam',
    loss: 'km',
    hiddenSizes: [6],
    hiddenActivation: 'tanh',
    optimizer: 'adam',
  },
  {
    name: 'gmm, two relu layers, L2, Adam',
    loss: 'gmm',
    hiddenSizes: [7, 5],
    hiddenActivation: 'relu',
    optimizer: 'adam',
    l2: 0.01,
  },
  {
    name: 'cmm, no hidden layer, SGD',
    loss: 'cmm',
    hiddenSizes: [],
    hiddenActivation: 'tanh',
    optimizer: 'sgd',
  },
  {
    name: 'km, sigmoid hidden layer, capped spread, Adam',
    loss: 'km',
    hiddenSizes: [6],
    hiddenActivation: 'sigmoid',
    optimizer: 'adam',
    deviationTarget: [0.3, 0.5, 0.7],
  },
];

const vertex3 = [
  [1, -1, -1],
  [-1, 1, -1],
  [-1, -1, 1],
];

/**
 * Builds the network, objective and optimizer of a step case: 5 inputs
 * mapped to the 3 vertex representatives, with seeded initial weights.
 */
function caseSetup(stepCase: StepCase) {
  const weights = initialiseNetwork(
    {
      inputSize: 5,
      hiddenSizes: stepCase.hiddenSizes,
      outputSize: 3,
      hiddenActivation: stepCase.hiddenActivation,
      outputActivation: 'linear',
    },
    new Random(8),
  );
  const representatives = representativeTensors(vertex3);
  const context: ObjectiveContext = {
    options: {
      loss: stepCase.loss,
      lambda: 2,
      varianceEpsilon: 1e-8,
      l2: stepCase.l2 ?? 0,
    },
    representatives,
    deviationTarget: stepCase.deviationTarget,
  };
  const optimizer = () =>
    stepCase.optimizer === 'adam' ? tf.train.adam(0.01) : tf.train.sgd(0.05);
  return { weights, representatives, context, optimizer };
}

/** Runs `steps` steps through `step` and returns each batch's outcome. */
async function runSteps(
  steps: number,
  batches: tf.Tensor2D[],
  step: (x: tf.Tensor2D) => Promise<StepOutcome>,
): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  for (let s = 0; s < steps; s++) {
    outcomes.push(await step(batches[s % batches.length]!));
  }
  return outcomes;
}

/** Lists the loss and its two terms of each step, step by step. */
function lossesAndTerms(outcomes: StepOutcome[]): number[] {
  return outcomes.flatMap((o) => [
    o.loss,
    o.clustering ?? Number.NaN,
    o.variableFeatures ?? Number.NaN,
  ]);
}

/**
 * Checks that the step runner the backend picks for `stepCase` (its fused
 * training step when it registers one) gives the losses, weights and
 * optimizer state of the objective's tfjs graph on the same backend. The
 * steps are split across two runners on one optimizer, as they are across
 * the epochs and runs of a shared optimizer.
 */
export async function checkStepPaths(
  stepCase: StepCase,
  tolerance: number,
  expectClose: Expect,
): Promise<void> {
  const random = new Random(21);
  const batches = [0, 1, 2].map(() =>
    tf.tensor2d(
      Array.from({ length: 16 }, (_, i) =>
        Array.from(
          { length: 5 },
          (_, j) => (j % 3 === i % 3 ? 1.5 : 0) + random.float() - 0.5,
        ),
      ),
    ),
  );
  const { weights, representatives, context, optimizer } = caseSetup(stepCase);

  const graphNetwork = new NetworkVariables(weights);
  const graphOptimizer = optimizer();
  const variables = graphNetwork.variables();
  const graph = await runSteps(5, batches, (x) =>
    stepWithTerms(context, graphNetwork, graphOptimizer, x, variables),
  );

  const network = new NetworkVariables(weights);
  const runnerOptimizer = optimizer();
  const outcomes: StepOutcome[] = [];
  let kind = '';
  for (const steps of [2, 3]) {
    const runner = await createStepRunner(context, network, runnerOptimizer);
    kind = runner.kind;
    outcomes.push(
      ...(await runSteps(
        steps,
        outcomes.length === 0 ? batches : [...batches.slice(2), ...batches],
        (x) => runner.step(x),
      )),
    );
    await runner.finish();
  }
  const fusedKernel = tf.getKernel(DENSE_TRAINING_STEP_KERNEL, tf.getBackend());
  expect(kind).toBe(fusedKernel === undefined ? 'graph' : 'fused');

  expectClose(lossesAndTerms(outcomes), lossesAndTerms(graph), tolerance);
  const read = async (n: NetworkVariables) =>
    (await n.read()).layers.flatMap((l) => [l.weight, l.bias]);
  const expected = await read(graphNetwork);
  (await read(network)).forEach((values, i) =>
    expectClose(values, expected[i]!, tolerance),
  );
  const state = async (o: tf.Optimizer) => {
    const named = await o.getWeights();
    const values = await Promise.all(named.map((w) => w.tensor.data()));
    // The first entry, the step count, is a new tensor; the rest are the
    // optimizer's own variables.
    named[0]!.tensor.dispose();
    return values;
  };
  const expectedState = await state(graphOptimizer);
  const actualState = await state(runnerOptimizer);
  expect(actualState).toHaveLength(expectedState.length);
  actualState.forEach((values, i) =>
    expectClose(values, expectedState[i]!, tolerance),
  );

  tf.dispose(batches);
  graphNetwork.dispose();
  network.dispose();
  graphOptimizer.dispose();
  runnerOptimizer.dispose();
  disposeRepresentatives(representatives);
}

/**
 * Checks that the step runner has `steps` exactly where the backend
 * registers the multi-step kernel. Where it has, also checks that batches
 * of a matrix run through `steps`, in calls of 2 and then 3 steps with a
 * short last batch, give exactly the losses, weights and optimizer state
 * of `step` on the same batches.
 */
export async function checkBatchRuns(stepCase: StepCase): Promise<void> {
  const random = new Random(5);
  const rows = 19;
  const batchSize = 4;
  const data = tf.tensor2d(
    Array.from({ length: rows * 5 }, () => random.float() - 0.5),
    [rows, 5],
  );
  const order = random.permutation(rows);
  const orderTensor = tf.tensor1d(order, 'int32');
  const { weights, representatives, context, optimizer } = caseSetup(stepCase);
  const trained = async (
    train: (runner: StepRunner) => Promise<StepOutcome[]>,
  ) => {
    const network = new NetworkVariables(weights);
    const runnerOptimizer = optimizer();
    const runner = await createStepRunner(context, network, runnerOptimizer);
    const outcomes = runner.steps === undefined ? [] : await train(runner);
    await runner.finish();
    const read = await network.read();
    const named = await runnerOptimizer.getWeights();
    const state = await Promise.all(named.map((w) => w.tensor.data()));
    named[0]!.tensor.dispose();
    network.dispose();
    runnerOptimizer.dispose();
    return {
      present: runner.steps !== undefined,
      losses: lossesAndTerms(outcomes),
      weights: read.layers.flatMap((l) => [l.weight, l.bias]),
      state,
    };
  };

  const batches = Math.ceil(rows / batchSize);
  const stepwise = await trained(async (runner) => {
    const outcomes: StepOutcome[] = [];
    for (let b = 0; b < batches; b++) {
      const rowsOfBatch = order.subarray(b * batchSize, (b + 1) * batchSize);
      const x = tf.gather(data, Array.from(rowsOfBatch)) as tf.Tensor2D;
      outcomes.push(await runner.step(x));
      x.dispose();
    }
    return outcomes;
  });
  const inCalls = await trained(async (runner) => {
    const first = await runner.steps!(data, orderTensor, 0, batchSize, 2);
    const rest = await runner.steps!(
      data,
      orderTensor,
      2 * batchSize,
      batchSize,
      batches - 2,
    );
    return [...first, ...rest];
  });
  tf.dispose([data, orderTensor]);
  disposeRepresentatives(representatives);
  const registered =
    tf.getKernel(DENSE_TRAINING_STEPS_KERNEL, tf.getBackend()) !== undefined;
  expect(inCalls.present).toBe(registered);
  if (!inCalls.present) return;

  expect(inCalls.losses).toHaveLength(3 * batches);
  expect(inCalls.losses).toEqual(stepwise.losses);
  expect(inCalls.weights).toEqual(stepwise.weights);
  expect(inCalls.state).toEqual(stepwise.state);
}
