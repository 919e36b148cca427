import { describe, expect, it } from 'vitest';

import { projectToPlane } from './projection.js';

describe('projectToPlane', () => {
  it('keeps two dimensions', () => {
    expect(Array.from(projectToPlane([1, 2, 3, 4], 2))).toEqual([1, 2, 3, 4]);
  });

  it('puts one dimension on the x axis', () => {
    expect(Array.from(projectToPlane([5, -1], 1))).toEqual([5, 0, -1, 0]);
  });

  it('puts vertex representatives on a polygon', () => {
    const k = 5;
    const vertices = Array.from({ length: k }, (_, i) =>
      Array.from({ length: k }, (_, j) => (i === j ? 1 : -1)),
    );
    const plane = projectToPlane(vertices.flat(), k);
    for (let i = 0; i < k; i++) {
      const angle = (2 * Math.PI * i) / k;
      expect(plane[2 * i]).toBeCloseTo(2 * Math.cos(angle), 5);
      expect(plane[2 * i + 1]).toBeCloseTo(2 * Math.sin(angle), 5);
    }
  });

  it('is linear', () => {
    const a = projectToPlane([1, 0, 2], 3);
    const b = projectToPlane([0, 3, -1], 3);
    const sum = projectToPlane([1, 3, 1], 3);
    expect(sum[0]).toBeCloseTo(a[0]! + b[0]!, 5);
    expect(sum[1]).toBeCloseTo(a[1]! + b[1]!, 5);
  });

  it('returns nothing for no rows', () => {
    expect(projectToPlane([], 3)).toHaveLength(0);
  });
});
