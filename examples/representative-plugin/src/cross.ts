import type { RepresentativeRequest } from '@fixclust/core';
import {
  assertKnownOptions,
  readPositiveNumberOption,
  resolveLayoutShape,
  type DescribedRepresentativeType,
} from '@fixclust/representatives';

/**
 * The vertices of a cross-polytope: representatives 2a and 2a + 1 are
 * `+radius` and `-radius` on axis a, so k points use only ⌈k/2⌉ axes. Each
 * point is `radius` from the origin, `2 * radius` from its opposite and
 * `radius * sqrt(2)` from every other point.
 *
 * The dimension must be at least ⌈k/2⌉ (default ⌈k/2⌉); extra axes stay 0.
 * Option `radius` (default sqrt(k)) must be a positive finite number.
 */
export const crossRepresentatives: DescribedRepresentativeType = {
  name: 'cross',
  description:
    'pairs of opposite points, +radius and -radius, on ceil(k/2) axes',
  options: [
    {
      name: 'radius',
      type: 'number',
      default: 'sqrt(k)',
      description: 'distance of every point from the origin, greater than 0',
    },
  ],
  mixtureScaleApplies: true,
  defaultDimension: (nClusters) => Math.ceil(nClusters / 2),
  dimensionRange: (nClusters) => ({
    minimum: Math.ceil(nClusters / 2),
    maximum: Number.POSITIVE_INFINITY,
  }),
  create: (request) => createCrossLayout(request),
};

function createCrossLayout(request: RepresentativeRequest): number[][] {
  const type = crossRepresentatives;
  const { nClusters, dimension } = resolveLayoutShape(type, request);
  assertKnownOptions(type, request.options);
  const radius =
    readPositiveNumberOption(type, request.options, 'radius') ??
    Math.sqrt(nClusters);

  return Array.from({ length: nClusters }, (_, i) => {
    const point = new Array<number>(dimension).fill(0);
    point[Math.floor(i / 2)] = i % 2 === 0 ? radius : -radius;
    return point;
  });
}
