import {
  assertFiniteAbove,
  InvalidParameterError,
  type RepresentativeRequest,
  type RepresentativeType,
} from '@fixclust/core';

/**
 * The method's default layout: k representatives in k dimensions, where
 * representative i is `-scale` in every coordinate except `+scale` at
 * coordinate i. Any two representatives are `2 * scale * sqrt(2)` apart.
 *
 * Option `scale` (default 1) must be a positive finite number. The dimension
 * must equal k.
 */
export const vertexRepresentatives: RepresentativeType = {
  name: 'vertex',
  description:
    'k points in k dimensions: -scale everywhere, +scale at coordinate i',
  defaultDimension: (nClusters) => nClusters,
  create(request: RepresentativeRequest): number[][] {
    const { nClusters } = request;
    const dimension = request.dimension ?? nClusters;
    if (dimension !== nClusters) {
      throw new InvalidParameterError(
        'dimension',
        dimension,
        `vertex representatives need dimension equal to nClusters ` +
          `(${nClusters}), got ${dimension}`,
      );
    }
    const scale = readScale(request.options);
    return Array.from({ length: nClusters }, (_, i) =>
      Array.from({ length: dimension }, (_, j) => (i === j ? scale : -scale)),
    );
  },
};

function readScale(options: RepresentativeRequest['options']): number {
  const scale = options?.['scale'] ?? 1;
  if (typeof scale !== 'number') {
    throw new InvalidParameterError(
      'scale',
      scale,
      `vertex scale must be a number, got ${typeof scale}`,
    );
  }
  assertFiniteAbove('scale', scale, 0);
  return scale;
}
