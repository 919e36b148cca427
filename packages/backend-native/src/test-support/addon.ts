import { errorMessage, Random } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { loadAddon } from '../addon.js';

/** Reason the compiled addon cannot load here, or null when it can. */
export const addonProblem: string | null = (() => {
  try {
    loadAddon();
    return null;
  } catch (error) {
    return errorMessage(error);
  }
})();

/**
 * Declares a suite that needs the compiled addon. Without it the suite is
 * skipped on a developer machine, with the reason in its name, and fails
 * under `CI=true`, so CI never passes without having run the addon.
 */
export function describeWithAddon(name: string, body: () => void): void {
  if (addonProblem === null) {
    describe(name, body);
  } else if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('has the native addon', () => {
        throw new Error(addonProblem!);
      });
    });
  } else {
    describe.skip(`${name} (skipped: ${addonProblem})`, body);
  }
}

/**
 * Checks that every value is within `tolerance × max(1, |expected|)` of
 * the expected one, treating NaN as equal to NaN and infinities as equal
 * to themselves.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!Number.isFinite(e) && a === e) continue;
    const allowed = tolerance * Math.max(1, Math.abs(e));
    if (!(Math.abs(a - e) <= allowed)) {
      expect.fail(`value ${i}: got ${a}, expected ${e} ± ${allowed}`);
    }
  }
}

/** Inputs of an operation as plain arrays, rebuilt on each backend. */
export interface InputSpec {
  values: Float32Array | Int32Array | Uint8Array;
  shape: number[];
  dtype?: tf.DataType;
}

/**
 * Runs `operation` on the cpu backend and then on the native backend, on
 * tensors built from the same values, and returns both outputs' values,
 * dtypes and shapes.
 */
export function runOnBoth(
  inputs: readonly InputSpec[],
  operation: (...tensors: tf.Tensor[]) => tf.Tensor,
): {
  cpu: tf.TypedArray;
  native: tf.TypedArray;
  cpuShape: number[];
  nativeShape: number[];
  cpuDtype: tf.DataType;
  nativeDtype: tf.DataType;
} {
  const run = (backend: string) => {
    tf.setBackend(backend);
    return tf.tidy(() => {
      const tensors = inputs.map((input) =>
        tf.tensor(input.values, input.shape, input.dtype ?? 'float32'),
      );
      const result = operation(...tensors);
      return {
        values: result.dataSync() as tf.TypedArray,
        shape: result.shape,
        dtype: result.dtype,
      };
    });
  };
  const cpu = run('cpu');
  const native = run('native');
  return {
    cpu: cpu.values,
    native: native.values,
    cpuShape: cpu.shape,
    nativeShape: native.shape,
    cpuDtype: cpu.dtype,
    nativeDtype: native.dtype,
  };
}

/** Returns `n` values drawn uniformly from [low, high) by a seeded generator. */
export function uniformValues(
  n: number,
  seed: number,
  low = -2,
  high = 2,
): Float32Array {
  const random = new Random(seed);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = low + random.float() * (high - low);
  return values;
}
