import {
  createRepresentatives,
  InvalidParameterError,
  Random,
} from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import { registerBuiltInRepresentatives } from './index.js';
import { vertexRepresentatives } from './vertex.js';

const random = new Random(0);

describe('vertexRepresentatives', () => {
  it('places +1 on the diagonal and -1 elsewhere', () => {
    const points = vertexRepresentatives.create({ nClusters: 3, random });
    expect(points).toEqual([
      [1, -1, -1],
      [-1, 1, -1],
      [-1, -1, 1],
    ]);
  });

  it('applies scale', () => {
    const points = vertexRepresentatives.create({
      nClusters: 2,
      options: { scale: 2.5 },
      random,
    });
    expect(points).toEqual([
      [2.5, -2.5],
      [-2.5, 2.5],
    ]);
  });

  it('keeps every pair 2 * scale * sqrt(2) apart', () => {
    const points = vertexRepresentatives.create({ nClusters: 6, random });
    for (let i = 0; i < 6; i++) {
      for (let j = i + 1; j < 6; j++) {
        const distance = Math.hypot(
          ...points[i]!.map((value, c) => value - points[j]![c]!),
        );
        expect(distance).toBeCloseTo(2 * Math.SQRT2, 12);
      }
    }
  });

  it('defaults the dimension to k', () => {
    expect(vertexRepresentatives.defaultDimension(7)).toBe(7);
  });

  it('rejects a dimension other than k', () => {
    expect(() =>
      vertexRepresentatives.create({ nClusters: 3, dimension: 4, random }),
    ).toThrow(/for 3 clusters need an integer dimension equal to 3, got 4/);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects scale %s',
    (scale) => {
      expect(() =>
        vertexRepresentatives.create({
          nClusters: 3,
          options: { scale },
          random,
        }),
      ).toThrow(InvalidParameterError);
    },
  );

  it('rejects an unknown option', () => {
    expect(() =>
      vertexRepresentatives.create({
        nClusters: 3,
        options: { radius: 2 },
        random,
      }),
    ).toThrow(
      /unknown option "radius" for vertex representatives; options: scale/,
    );
  });

  it('is reachable through the registry', () => {
    registerBuiltInRepresentatives();
    registerBuiltInRepresentatives();
    const points = createRepresentatives('vertex', { nClusters: 2, random });
    expect(points).toEqual([
      [1, -1],
      [-1, 1],
    ]);
  });
});
