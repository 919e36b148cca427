import type { RepresentativeRequest } from '@fixclust/core';

import {
  resolveLayoutShape,
  type DescribedRepresentativeType,
} from './layout.js';
import { assertKnownOptions, readPositiveNumberOption } from './options.js';

/**
 * The method's default layout: k representatives in k dimensions, where
 * representative i is `-scale` in every coordinate except `+scale` at
 * coordinate i. Any two representatives are `2 * scale * sqrt(2)` apart,
 * and each is `scale * sqrt(k)` from the origin.
 *
 * Option `scale` (default 1) must be a positive finite number. The dimension
 * must equal k.
 */
export const vertexRepresentatives: DescribedRepresentativeType = {
  name: 'vertex',
  description:
    'k points in k dimensions: -scale everywhere, +scale at coordinate i',
  options: [
    {
      name: 'scale',
      type: 'number',
      default: 1,
      description: 'absolute value of every coordinate, greater than 0',
    },
  ],
  mixtureScaleApplies: true,
  defaultDimension: (nClusters) => nClusters,
  dimensionRange: (nClusters) => ({ minimum: nClusters, maximum: nClusters }),
  create: (request) => createVertexLayout(request),
};

function createVertexLayout(request: RepresentativeRequest): number[][] {
  const type = vertexRepresentatives;
  const { nClusters, dimension } = resolveLayoutShape(type, request);
  assertKnownOptions(type, request.options);
  const scale = readPositiveNumberOption(type, request.options, 'scale') ?? 1;

  return Array.from({ length: nClusters }, (_, i) =>
    Array.from({ length: dimension }, (_, j) => (i === j ? scale : -scale)),
  );
}
