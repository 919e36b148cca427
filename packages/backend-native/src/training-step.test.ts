import { expect, it } from 'vitest';

import { loadAddon, type NativeAddon } from './addon.js';
import { describeWithAddon } from './test-support/addon.js';

/** Arguments of a one-layer step: 2 rows, 3 inputs, 2 outputs, SGD. */
function arguments_(
  overrides: { x?: Float32Array; shape?: number[] } = {},
): Parameters<NativeAddon['denseTrainingStep']> {
  const weight = Float32Array.of(0.1, -0.2, 0.3, 0.05, -0.1, 0.2);
  const bias = Float32Array.of(0, 0);
  return [
    overrides.x ?? Float32Array.of(1, 2, 3, -1, 0, 1),
    Float32Array.of(1, -1, -1, 1),
    [weight, bias],
    [],
    [],
    [new Float32Array(6), new Float32Array(2)],
    [],
    [],
    Int32Array.from(overrides.shape ?? [2, 1, 2, 2, 3, 2]),
    Int32Array.of(3),
    // km, constant, lambda, epsilon, l2, SGD, rate, beta1, beta2, eps, step
    Float64Array.of(0, 0, 1, 1e-8, 0, 1, 0.1, 0, 0, 0, 1),
    new Float32Array(0),
    new Float64Array(2),
  ];
}

describeWithAddon('addon denseTrainingStep', () => {
  const addon = loadAddon();

  it('returns the loss and writes the SGD update', () => {
    const args = arguments_();
    const loss = addon.denseTrainingStep(...args);
    // y = x · w: rows (0.4, 0.5) and (-0.2, 0.4); squared distances to
    // the nearer representative (-1, 1): 2.21 and 1.0. Deviations of the
    // two features: 0.3 and 0.05.
    const km = (2.21 + 1.0) / 2;
    const deviation =
      (Math.sqrt(0.3 ** 2 + 1e-8) + Math.sqrt(0.05 ** 2 + 1e-8)) / 2;
    expect(loss).toBeCloseTo(km - deviation, 5);
    expect(args[12][0]).toBeCloseTo(km, 5);
    expect(args[12][1]).toBeCloseTo(-deviation, 5);
    const [newWeight] = args[5];
    expect(Array.from(newWeight!).every(Number.isFinite)).toBe(true);
    expect(newWeight).not.toEqual(args[2][0]);
  });

  it('returns NaN for a NaN input', () => {
    const x = Float32Array.of(Number.NaN, 2, 3, -1, 0, 1);
    expect(addon.denseTrainingStep(...arguments_({ x }))).toBeNaN();
  });

  it('rejects layers that do not fit the representatives', () => {
    expect(() =>
      addon.denseTrainingStep(...arguments_({ shape: [2, 1, 2, 3, 3, 2] })),
    ).toThrow(RangeError);
  });

  it('rejects a batch shorter than its shape', () => {
    const x = Float32Array.of(1, 2, 3);
    expect(() => addon.denseTrainingStep(...arguments_({ x }))).toThrow(
      /x has 3 elements, needs 6/,
    );
  });
});
