import {
  createRepresentatives,
  InvalidParameterError,
  type Random,
} from '@fixclust/core';
import { registerBuiltInRepresentatives } from '@fixclust/representatives';

import type { DataMatrix } from './data.js';
import { resolveImageShape, type NetworkShape } from './network/index.js';
import type { ResolvedOptions } from './options.js';
import { networkShapeOf } from './state-arrays.js';

/**
 * Builds the representatives: the type's layout, or with `uniform`
 * initialisation a k × d matrix drawn uniformly from [0, 1) by the same
 * generator after the layout, d being the layout's dimension.
 */
export function buildRepresentatives(
  options: ResolvedOptions,
  random: Random,
): number[][] {
  registerBuiltInRepresentatives();
  const layout = createRepresentatives(options.representatives, {
    nClusters: options.nClusters,
    dimension: options.dimension,
    options: options.representativeOptions,
    random,
  });
  if (options.representativeInit === 'layout') return layout;
  return layout.map((row) => row.map(() => random.float()));
}

/**
 * Describes the network a fit trains on the preprocessed data: the CNN's
 * image shape comes from the options or the data's `sampleShape`.
 *
 * @throws InvalidParameterError for an image shape that does not fit the
 * CNN or the data, and for an autoencoder code that should be the mapped
 * space but has another width.
 */
export function fitNetworkShape(
  options: ResolvedOptions,
  data: DataMatrix,
  points: number[][],
): NetworkShape {
  const dimension = points[0]!.length;
  const image =
    options.network === 'cnn'
      ? resolveImageShape(
          options.imageShape,
          data.sampleShape,
          data.nFeatures,
          options.filters!.length,
        )
      : undefined;
  const autoencoder = options.autoencoder;
  if (autoencoder.depth !== 0 && options.hiddenSizes.length === 0) {
    const code = autoencoder.sizes[autoencoder.sizes.length - 1];
    if (code !== dimension) {
      throw new InvalidParameterError(
        'autoencoder.sizes',
        autoencoder.sizes,
        `with hiddenSizes [] the autoencoder's code is the mapped space, ` +
          `so autoencoder.sizes must end with its dimension ${dimension}, ` +
          `got [${autoencoder.sizes.join(', ')}]`,
      );
    }
  }
  return networkShapeOf(options, data.nFeatures, dimension, image);
}
