import { InvalidParameterError, Random } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import { sphereRepresentatives } from './sphere.js';
import { minimumPairwiseDistance, norm } from './vectors.js';

function build(
  nClusters: number,
  dimension: number | undefined,
  options: Record<string, unknown> = {},
  seed = 0,
) {
  return sphereRepresentatives.create({
    nClusters,
    dimension,
    options,
    random: new Random(seed),
  });
}

/**
 * Best known minimum distance of k points on the unit sphere in d dims,
 * from these arrangements: the regular simplex (k ≤ d + 1),
 * the cross-polytope (k = 2d), regular polygons (d = 2), the icosahedron
 * (k = 12, d = 3), the square antiprism (k = 8, d = 3) and the 24-cell
 * (k = 24, d = 4). Five points in 3 dims reach sqrt(2), as the
 * cross-polytope does.
 */
const bestKnown = {
  simplex: (k: number) => Math.sqrt((2 * k) / (k - 1)),
  crossPolytope: Math.SQRT2,
  polygon: (k: number) => 2 * Math.sin(Math.PI / k),
  icosahedron: 1 / Math.sin((2 * Math.PI) / 5),
  squareAntiprism: 1.2155925,
  cell24: 1,
};

describe('sphereRepresentatives', () => {
  it.each([
    [1, 2],
    [4, 3],
    [10, 20],
    [30, 5],
  ])('puts every point on the sphere, k = %i, d = %i', (k, d) => {
    for (const point of build(k, d, { radius: 2.5 })) {
      expect(norm(point)).toBeCloseTo(2.5, 12);
    }
  });

  it.each([
    ['tetrahedron', 4, 3, bestKnown.simplex(4)],
    ['simplex k = 10, d = 20', 10, 20, bestKnown.simplex(10)],
    ['simplex k = 10, d = 9', 10, 9, bestKnown.simplex(10)],
    ['triangle', 3, 2, bestKnown.polygon(3)],
    ['heptagon', 7, 2, bestKnown.polygon(7)],
    ['octahedron', 6, 3, bestKnown.crossPolytope],
    ['cross-polytope k = 8, d = 4', 8, 4, bestKnown.crossPolytope],
    ['cross-polytope k = 10, d = 5', 10, 5, bestKnown.crossPolytope],
    ['five points, d = 3', 5, 3, bestKnown.crossPolytope],
    ['icosahedron', 12, 3, bestKnown.icosahedron],
  ])('reaches 99.9%% of the best known for %s', (_, k, d, best) => {
    for (const seed of [0, 1, 2]) {
      const points = build(k, d, { radius: 1 }, seed);
      expect(minimumPairwiseDistance(points), `seed ${seed}`).toBeGreaterThan(
        0.999 * best,
      );
    }
  });

  it('reaches 98% of the square antiprism', () => {
    const points = build(8, 3, { radius: 1 });
    expect(minimumPairwiseDistance(points)).toBeGreaterThan(
      0.98 * bestKnown.squareAntiprism,
    );
  });

  it('reaches 94% of the 24-cell', () => {
    const points = build(24, 4, { radius: 1 });
    expect(minimumPairwiseDistance(points)).toBeGreaterThan(
      0.94 * bestKnown.cell24,
    );
  });

  it('scales the minimum distance with the radius', () => {
    const unit = minimumPairwiseDistance(build(4, 3, { radius: 1 }));
    const scaled = minimumPairwiseDistance(build(4, 3, { radius: 3 }));
    expect(scaled).toBeCloseTo(3 * unit, 12);
  });

  it('spreads the points further than the random start', () => {
    const start = minimumPairwiseDistance(build(12, 3, { iterations: 0 }));
    const spread = minimumPairwiseDistance(build(12, 3));
    expect(spread).toBeGreaterThan(start);
  });

  it('depends on the seed', () => {
    expect(build(4, 3, {}, 1)).not.toEqual(build(4, 3, {}, 2));
  });

  it('defaults the radius to sqrt(k)', () => {
    for (const point of build(5, 3)) {
      expect(norm(point)).toBeCloseTo(Math.sqrt(5), 12);
    }
  });

  it('defaults the dimension to k, at least 2', () => {
    expect(sphereRepresentatives.defaultDimension(10)).toBe(10);
    expect(sphereRepresentatives.defaultDimension(1)).toBe(2);
  });

  it('rejects dimension 1', () => {
    expect(() => build(2, 1)).toThrow(
      /sphere representatives for 2 clusters need an integer dimension of at least 2, got 1/,
    );
  });

  it.each([-1, 2.5])('rejects iterations %s', (iterations) => {
    expect(() => build(3, 3, { iterations })).toThrow(InvalidParameterError);
  });

  it.each([0, Number.NaN])('rejects radius %s', (radius) => {
    expect(() => build(3, 3, { radius })).toThrow(InvalidParameterError);
  });
});
