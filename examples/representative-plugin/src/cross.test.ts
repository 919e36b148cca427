import { Random } from '@fixclust/core';
import {
  minimumPairwiseDistance,
  type DescribedRepresentativeType,
} from '@fixclust/representatives';
import { describeRepresentativeConformance } from '@fixclust/representatives/conformance';
import { describe, expect, it } from 'vitest';

import { crossRepresentatives } from './cross.js';

describeRepresentativeConformance(crossRepresentatives, {
  optionSets: [{}, { radius: 0.5 }],
});

function build(nClusters: number, dimension?: number, radius = 1) {
  return crossRepresentatives.create({
    nClusters,
    dimension,
    options: { radius },
    random: new Random(0),
  });
}

describe('crossRepresentatives', () => {
  it('places opposite pairs on the first axes', () => {
    expect(build(5, 3, 2)).toEqual([
      [2, 0, 0],
      [-2, 0, 0],
      [0, 2, 0],
      [0, -2, 0],
      [0, 0, 2],
    ]);
  });

  it('keeps non-opposite points radius * sqrt(2) apart', () => {
    expect(minimumPairwiseDistance(build(10, 5, 3))).toBeCloseTo(
      3 * Math.SQRT2,
      12,
    );
  });

  it('defaults to ceil(k / 2) dimensions and radius sqrt(k)', () => {
    const type: DescribedRepresentativeType = crossRepresentatives;
    const points = type.create({ nClusters: 7, random: new Random(0) });
    expect(points[0]).toEqual([Math.sqrt(7), 0, 0, 0]);
  });

  it('rejects too few dimensions', () => {
    expect(() => build(7, 3)).toThrow(
      /cross representatives for 7 clusters need an integer dimension of at least 4, got 3/,
    );
  });
});
