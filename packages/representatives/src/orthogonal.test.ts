import { InvalidParameterError, Random } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import { orthogonalRepresentatives } from './orthogonal.js';
import { dot } from './vectors.js';

function build(
  nClusters: number,
  dimension: number | undefined,
  options: Record<string, unknown>,
  seed = 0,
) {
  return orthogonalRepresentatives.create({
    nClusters,
    dimension,
    options,
    random: new Random(seed),
  });
}

/** Checks that the Gram matrix of the rows is `radius² I`. */
function expectScaledIdentityGram(points: number[][], radius: number): void {
  for (let i = 0; i < points.length; i++) {
    for (let j = 0; j < points.length; j++) {
      const expected = i === j ? radius * radius : 0;
      expect(dot(points[i]!, points[j]!), `entry ${i}, ${j}`).toBeCloseTo(
        expected,
        10,
      );
    }
  }
}

describe('orthogonalRepresentatives', () => {
  it('scales the standard basis by default', () => {
    expect(build(2, 3, { radius: 2 })).toEqual([
      [2, 0, 0],
      [0, 2, 0],
    ]);
  });

  it.each([
    [1, 1],
    [3, 3],
    [4, 7],
    [10, 10],
    [10, 20],
  ])('has Gram matrix radius² I, k = %i, d = %i', (k, d) => {
    expectScaledIdentityGram(build(k, d, { radius: 1.7 }), 1.7);
  });

  it.each([
    [1, 1],
    [3, 3],
    [4, 7],
    [10, 10],
    [10, 20],
  ])('keeps Gram matrix radius² I when rotated, k = %i, d = %i', (k, d) => {
    expectScaledIdentityGram(build(k, d, { radius: 1.7, rotate: true }), 1.7);
  });

  it('rotates differently for different seeds', () => {
    const first = build(3, 5, { rotate: true }, 1);
    const second = build(3, 5, { rotate: true }, 2);
    expect(second).not.toEqual(first);
  });

  it('leaves the basis in place without rotate', () => {
    const points = build(3, 3, { rotate: false });
    expect(points).toEqual(build(3, 3, {}));
  });

  it('defaults the radius to sqrt(k)', () => {
    expectScaledIdentityGram(build(6, undefined, {}), Math.sqrt(6));
  });

  it('rejects a dimension below k', () => {
    expect(() => build(4, 3, {})).toThrow(
      /orthogonal representatives for 4 clusters need an integer dimension of at least 4, got 3/,
    );
  });

  it.each([0, -1, Number.POSITIVE_INFINITY])('rejects radius %s', (radius) => {
    expect(() => build(3, 3, { radius })).toThrow(InvalidParameterError);
  });

  it('rejects a non-boolean rotate', () => {
    expect(() => build(3, 3, { rotate: 'true' })).toThrow(
      /orthogonal option "rotate" must be true or false, got "true"/,
    );
  });
});
