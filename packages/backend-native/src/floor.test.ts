import { expect, it, describe } from 'vitest';

import { denseStepProducts, measureComputeFloor } from './floor.js';
import { describeWithAddon } from './test-support/addon.js';

describe('denseStepProducts', () => {
  it('lists the products of a km50 MNIST step', () => {
    const products = denseStepProducts([784, 32, 10], 128);
    const flops = products.reduce((sum, p) => sum + 2 * p.m * p.n * p.k, 0);
    // Forward and weight gradient of both layers, input gradient of the
    // second: 2 · 128 · (2 · 784 · 32 + 3 · 32 · 10).
    expect(flops).toBe(13_090_816);
    expect(products).toHaveLength(5);
    expect(products[1]).toEqual({
      m: 784,
      n: 32,
      k: 128,
      transposeA: true,
      transposeB: false,
    });
  });

  it('rejects a network without an output width', () => {
    expect(() => denseStepProducts([784], 128)).toThrow(
      /at least an input and an output width/,
    );
  });
});

describeWithAddon('measureComputeFloor', () => {
  it('scales the step to the epoch at the measured rate', () => {
    const floor = measureComputeFloor({
      widths: [784, 32, 10],
      batchSize: 128,
      nSamples: 70_000,
      threads: 1,
      secondsPerProduct: 0.02,
    });
    expect(floor.flopsPerEpoch).toBeCloseTo((13_090_816 * 70_000) / 128, 0);
    expect(floor.threads).toBe(1);
    expect(floor.gflops).toBeGreaterThan(0);
    expect(floor.seconds).toBeCloseTo(
      floor.flopsPerEpoch / floor.gflops / 1e9,
      9,
    );
  });

  it('rejects an epoch without rows', () => {
    expect(() =>
      measureComputeFloor({ widths: [4, 2], batchSize: 8, nSamples: 0 }),
    ).toThrow(/at least one row/);
  });
});
