import type { RepresentativeRequest } from '@fixclust/core';

import {
  resolveLayoutShape,
  type DescribedRepresentativeType,
} from './layout.js';
import { assertKnownOptions, readPositiveNumberOption } from './options.js';

/**
 * The vertices of a regular simplex centred at the origin: k points at
 * distance `radius` from the origin and `radius * sqrt(2k / (k - 1))` from
 * each other, in d ≥ max(1, k - 1) dimensions (default max(1, k - 1)).
 *
 * The points are the k standard basis vectors of R^k minus their centroid,
 * written in the orthonormal Helmert basis of the (k - 1)-dimensional
 * subspace orthogonal to (1, …, 1), scaled to `radius` and padded with
 * zeros to d. No randomness is involved. For k = 1 the one point is
 * `radius` on the first axis.
 *
 * Option `radius` (default sqrt(k), the vertex layout's distance from the
 * origin, so the untrained network's km loss is the same) must be a
 * positive finite number.
 */
export const simplexRepresentatives: DescribedRepresentativeType = {
  name: 'simplex',
  description:
    'regular simplex: k points equidistant from each other and the origin',
  options: [
    {
      name: 'radius',
      type: 'number',
      default: 'sqrt(k)',
      description: 'distance of every point from the origin, greater than 0',
    },
  ],
  mixtureScaleApplies: true,
  defaultDimension: (nClusters) => Math.max(1, nClusters - 1),
  dimensionRange: (nClusters) => ({
    minimum: Math.max(1, nClusters - 1),
    maximum: Number.POSITIVE_INFINITY,
  }),
  create: (request) => createSimplexLayout(request),
};

function createSimplexLayout(request: RepresentativeRequest): number[][] {
  const type = simplexRepresentatives;
  const { nClusters, dimension } = resolveLayoutShape(type, request);
  assertKnownOptions(type, request.options);
  const radius =
    readPositiveNumberOption(type, request.options, 'radius') ??
    Math.sqrt(nClusters);

  if (nClusters === 1) {
    return [
      Array.from({ length: dimension }, (_, j) => (j === 0 ? radius : 0)),
    ];
  }
  // Each centred basis vector has norm sqrt(1 - 1/k) in any orthonormal basis.
  const factor = radius / Math.sqrt(1 - 1 / nClusters);
  return Array.from({ length: nClusters }, (_, i) =>
    Array.from(
      { length: dimension },
      (_, column) => factor * helmertCoordinate(i, column + 1, nClusters),
    ),
  );
}

/**
 * Coordinate of the centred basis vector `e_i - (1/k, …, 1/k)` along the
 * Helmert vector h_j = (1, …, 1, -j, 0, …, 0) / sqrt(j (j + 1)), which has
 * j leading ones; 0 for j ≥ k, the zero padding. Indices start at 0.
 */
function helmertCoordinate(i: number, j: number, nClusters: number): number {
  if (j >= nClusters || i > j) return 0;
  const norm = Math.sqrt(j * (j + 1));
  return i < j ? 1 / norm : -j / norm;
}
