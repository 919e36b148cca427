import { describe, expect, it } from 'vitest';

import {
  fillBroadcastLayout,
  fillTransposeLayout,
  planReduction,
} from './kernels/layout.js';

describe('fillBroadcastLayout', () => {
  const layoutOf = (a: number[], b: number[], out: number[]) => {
    const layout = new Int32Array(12);
    const fits = fillBroadcastLayout(a, b, out, layout);
    return fits ? Array.from(layout) : null;
  };

  it('same shape collapses to one run', () => {
    expect(layoutOf([4, 5], [4, 5], [4, 5])).toEqual([
      1, 1, 1, 20, 0, 0, 0, 1, 0, 0, 0, 1,
    ]);
  });

  it('row broadcast', () => {
    expect(layoutOf([4, 5], [5], [4, 5])).toEqual([
      1, 1, 4, 5, 0, 0, 5, 1, 0, 0, 0, 1,
    ]);
  });

  it('column broadcast', () => {
    expect(layoutOf([4, 5], [4, 1], [4, 5])).toEqual([
      1, 1, 4, 5, 0, 0, 5, 1, 0, 0, 1, 0,
    ]);
  });

  it('scalar', () => {
    expect(layoutOf([], [3, 2], [3, 2])).toEqual([
      1, 1, 1, 6, 0, 0, 0, 0, 0, 0, 0, 1,
    ]);
  });

  it('all sizes 1', () => {
    expect(layoutOf([1, 1], [1], [1, 1])).toEqual([
      1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });

  it('rejects more than 4 runs', () => {
    expect(layoutOf([2, 1, 2, 1, 2], [1, 2, 1, 2, 1], [2, 2, 2, 2, 2])).toBe(
      null,
    );
  });
});

describe('fillTransposeLayout', () => {
  const layoutOf = (shape: number[], perm: number[]) => {
    const layout = new Int32Array(9);
    const rank = fillTransposeLayout(shape, perm, layout);
    return { rank, layout: Array.from(layout) };
  };

  it('matrix transpose', () => {
    expect(layoutOf([3, 4], [1, 0])).toEqual({
      rank: 2,
      layout: [2, 1, 1, 4, 3, 0, 0, 1, 4],
    });
  });

  it('merges axes that move together', () => {
    // [a, b, c] -> [c, a, b]: (a, b) stay adjacent and in order.
    expect(layoutOf([2, 3, 4], [2, 0, 1])).toEqual({
      rank: 2,
      layout: [2, 1, 1, 4, 6, 0, 0, 1, 4],
    });
  });

  it('identity order has rank 1', () => {
    expect(layoutOf([2, 1, 3], [1, 0, 2]).rank).toBe(1);
  });

  it('rejects more than 4 groups', () => {
    expect(layoutOf([2, 2, 2, 2, 2], [4, 3, 2, 1, 0]).rank).toBe(-1);
  });
});

describe('planReduction', () => {
  it('inner axes', () => {
    expect(planReduction([3, 4, 5], [1, 2])).toMatchObject({
      outer: 3,
      reduced: 20,
      inner: 1,
      outShape: [3],
      keptShape: [3, 1, 1],
    });
  });

  it('outer axis', () => {
    expect(planReduction([3, 4, 5], [0])).toMatchObject({
      outer: 1,
      reduced: 3,
      inner: 20,
    });
  });

  it('size-1 axis inside the run', () => {
    expect(planReduction([3, 1, 5], [0, 2])).toMatchObject({
      outer: 1,
      reduced: 15,
      inner: 1,
      outShape: [1],
    });
  });

  it('no axes', () => {
    expect(planReduction([3, 4], [])).toMatchObject({
      outer: 12,
      reduced: 1,
      inner: 1,
      outShape: [3, 4],
    });
  });

  it('rejects separated axes', () => {
    expect(planReduction([3, 4, 5], [0, 2])).toBe(null);
  });

  it('rejects repeated axes', () => {
    expect(planReduction([3, 4], [1, 1])).toBe(null);
  });
});
