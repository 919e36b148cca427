import type { RepresentativeRequest } from '@fixclust/core';

import {
  resolveLayoutShape,
  type DescribedRepresentativeType,
} from './layout.js';
import {
  assertKnownOptions,
  readBooleanOption,
  readPositiveNumberOption,
} from './options.js';
import { randomOrthonormalVectors, scale } from './vectors.js';

/**
 * k mutually orthogonal points at distance `radius` from the origin, so any
 * two are `radius * sqrt(2)` apart and the Gram matrix is `radius² I`. The
 * dimension d must be at least k (default k).
 *
 * By default point i is `radius` times the i-th standard basis vector. With
 * `rotate: true` the points are `radius` times k orthonormal vectors drawn
 * from the request's generator, the first k columns of a uniformly random
 * orthogonal d × d matrix, so the layout depends on the seed.
 *
 * Options: `radius` (default sqrt(k), the vertex layout's distance from the
 * origin), a positive finite number; `rotate` (default false).
 */
export const orthogonalRepresentatives: DescribedRepresentativeType = {
  name: 'orthogonal',
  description: 'k orthogonal points at distance radius from the origin',
  options: [
    {
      name: 'radius',
      type: 'number',
      default: 'sqrt(k)',
      description: 'distance of every point from the origin, greater than 0',
    },
    {
      name: 'rotate',
      type: 'boolean',
      default: false,
      description:
        'apply a seeded random rotation instead of using the standard basis',
    },
  ],
  mixtureScaleApplies: true,
  defaultDimension: (nClusters) => nClusters,
  dimensionRange: (nClusters) => ({
    minimum: nClusters,
    maximum: Number.POSITIVE_INFINITY,
  }),
  create: (request) => createOrthogonalLayout(request),
};

function createOrthogonalLayout(request: RepresentativeRequest): number[][] {
  const type = orthogonalRepresentatives;
  const { nClusters, dimension } = resolveLayoutShape(type, request);
  assertKnownOptions(type, request.options);
  const radius =
    readPositiveNumberOption(type, request.options, 'radius') ??
    Math.sqrt(nClusters);
  const rotate = readBooleanOption(type, request.options, 'rotate') ?? false;

  if (rotate) {
    return randomOrthonormalVectors(request.random, nClusters, dimension).map(
      (vector) => scale(vector, radius),
    );
  }
  return Array.from({ length: nClusters }, (_, i) =>
    Array.from({ length: dimension }, (_, j) => (i === j ? radius : 0)),
  );
}
