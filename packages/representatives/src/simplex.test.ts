import { InvalidParameterError, Random } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import { simplexRepresentatives } from './simplex.js';
import { distance, norm } from './vectors.js';

const random = new Random(0);

function build(nClusters: number, dimension?: number, radius?: number) {
  return simplexRepresentatives.create({
    nClusters,
    dimension,
    options: radius === undefined ? {} : { radius },
    random,
  });
}

describe('simplexRepresentatives', () => {
  it.each([
    [2, 1, 1],
    [3, 2, 2.5],
    [4, 3, 1],
    [10, 9, Math.sqrt(10)],
    [10, 20, 0.3],
  ])('puts k = %i, d = %i on radius %d', (k, d, radius) => {
    const points = build(k, d, radius);
    for (const point of points) expect(norm(point)).toBeCloseTo(radius, 12);
  });

  it.each([
    [2, 1],
    [3, 2],
    [4, 3],
    [10, 9],
    [10, 20],
  ])('keeps all pairs equidistant, k = %i, d = %i', (k, d) => {
    const radius = 1.5;
    const expected = radius * Math.sqrt((2 * k) / (k - 1));
    const points = build(k, d, radius);
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        expect(distance(points[i]!, points[j]!)).toBeCloseTo(expected, 12);
      }
    }
  });

  it('centres the points at the origin', () => {
    const points = build(7, 6);
    for (let c = 0; c < 6; c++) {
      const sum = points.reduce((total, point) => total + point[c]!, 0);
      expect(sum).toBeCloseTo(0, 12);
    }
  });

  it('pads with zeros beyond k - 1', () => {
    const points = build(4, 6);
    for (const point of points) expect(point.slice(3)).toEqual([0, 0, 0]);
  });

  it('places k = 2 at plus and minus radius', () => {
    const [first, second] = build(2, 1, 2);
    expect(first![0]).toBeCloseTo(2, 12);
    expect(second![0]).toBeCloseTo(-2, 12);
  });

  it('places k = 1 on the first axis', () => {
    expect(build(1, 3, 2)).toEqual([[2, 0, 0]]);
  });

  it('defaults the radius to sqrt(k)', () => {
    for (const point of build(5))
      expect(norm(point)).toBeCloseTo(Math.sqrt(5), 12);
  });

  it('defaults the dimension to k - 1, at least 1', () => {
    expect(simplexRepresentatives.defaultDimension(10)).toBe(9);
    expect(simplexRepresentatives.defaultDimension(2)).toBe(1);
    expect(simplexRepresentatives.defaultDimension(1)).toBe(1);
    expect(build(10)[0]).toHaveLength(9);
  });

  it('rejects a dimension below k - 1', () => {
    expect(() => build(5, 3)).toThrow(
      /simplex representatives for 5 clusters need an integer dimension of at least 4, got 3/,
    );
  });

  it.each([0, -2, Number.NaN])('rejects radius %s', (radius) => {
    expect(() => build(3, 2, radius)).toThrow(InvalidParameterError);
  });
});
