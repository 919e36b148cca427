import { InvalidParameterError } from '@fixclust/core';

import type { ResolvedOptions } from './options.js';
import type { Predictor } from './prediction.js';
import type { Preprocessing } from './preprocessing/index.js';
import { expectedArrays } from './expected-arrays.js';
import { stateArrays, type ArraySpec } from './state-arrays.js';

/** A fitted network with what a saved model records about its training. */
export interface FittedState extends Predictor {
  /** Number of input features, before preprocessing. */
  nFeatures: number;
  /** Fitted preprocessing; absent when the options ask for none. */
  preprocessing?: Preprocessing;
  /** Index of the kept run, its best epoch and that epoch's mean loss. */
  training: { bestRun: number; bestEpoch: number; bestLoss: number };
}

/**
 * Checks that a state has the representatives, arrays and image shape the
 * options describe.
 *
 * @throws InvalidParameterError naming the first mismatch.
 */
export function assertStateMatches(
  options: ResolvedOptions,
  state: FittedState,
): void {
  const fail = (message: string): never => {
    throw new InvalidParameterError('state', undefined, message);
  };
  if (state.points.length !== options.nClusters) {
    fail(
      `the state has ${state.points.length} representatives, but nClusters ` +
        `is ${options.nClusters}`,
    );
  }
  if ((options.network === 'cnn') !== (state.weights.image !== undefined)) {
    fail(
      `the state's network is not the "${options.network}" the options name`,
    );
  }
  const structure = {
    nFeatures: state.nFeatures,
    dimension: state.points[0]!.length,
    image: state.weights.image,
  };
  const expected = expectedArrays(options, structure);
  const actual = stateArrays(state);
  const describe = (specs: ArraySpec[]) =>
    specs.map((s) => `${s.name} [${s.shape.join(', ')}]`);
  expected.forEach((spec, i) => {
    const found = actual[i];
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (
      found === undefined ||
      found.name !== spec.name ||
      found.values.length !== size
    ) {
      fail(
        `the state's arrays ${describe(actual).join(', ')} differ from the ` +
          `${describe(expected).join(', ')} that the options describe`,
      );
    }
  });
  if (actual.length !== expected.length) {
    fail(
      `the state has ${actual.length} arrays, but the options describe ` +
        `${expected.length}: ${describe(expected).join(', ')}`,
    );
  }
}
