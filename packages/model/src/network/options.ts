import {
  assertFiniteAbove,
  assertIntegerInRange,
  assertKnownKeys,
  assertOneOf,
  InvalidParameterError,
} from '@fixclust/core';

import {
  DECODER_ACTIVATIONS,
  DEFAULT_AUTOENCODER_SIZES,
  DEFAULT_FILTERS,
  NETWORKS,
  type AutoencoderOptions,
  type FixedRepresentativeOptions,
  type ResolvedAutoencoder,
  type ResolvedOptions,
} from '../options.js';
import { assertImageShape } from './image.js';

const AUTOENCODER_KEYS = [
  'depth',
  'sizes',
  'decoderActivation',
  'reconstructionWeight',
];

/** Largest number of convolution levels of the CNN. */
export const MAX_CONVOLUTION_LEVELS = 4;

type NetworkOptions = Pick<
  ResolvedOptions,
  'network' | 'imageShape' | 'filters' | 'autoencoder'
>;

/**
 * Resolves and checks the network family, the CNN's image shape and
 * filters, and the autoencoder.
 *
 * @param mappedDimension Returns the mapped space's dimension d, read only
 * when an autoencoder's code is the mapped space and its sizes are unset.
 * @throws InvalidParameterError naming the first invalid option.
 */
export function resolveNetworkOptions(
  options: FixedRepresentativeOptions,
  hiddenSizes: readonly number[],
  mappedDimension: () => number,
): NetworkOptions {
  const network = options.network ?? 'mlp';
  assertOneOf('network', network, NETWORKS);
  const autoencoder = resolveAutoencoder(
    options.autoencoder,
    hiddenSizes.length === 0,
    mappedDimension,
  );
  if (network === 'mlp') {
    rejectCnnOnly('imageShape', options.imageShape);
    rejectCnnOnly('filters', options.filters);
    return { network, imageShape: null, filters: null, autoencoder };
  }
  const filters = [...(options.filters ?? DEFAULT_FILTERS)];
  checkFilters(filters);
  const imageShape =
    options.imageShape === undefined || options.imageShape === null
      ? null
      : [...options.imageShape];
  if (imageShape !== null) {
    assertImageShape('imageShape', imageShape, filters.length);
  }
  return { network, imageShape, filters, autoencoder };
}

function rejectCnnOnly(parameter: string, value: unknown): void {
  if (value === undefined || value === null) return;
  throw new InvalidParameterError(
    parameter,
    value,
    `${parameter} applies only to network "cnn", but network is "mlp"; ` +
      `drop ${parameter} or set network to "cnn"`,
  );
}

function checkFilters(filters: number[]): void {
  if (filters.length < 1 || filters.length > MAX_CONVOLUTION_LEVELS) {
    throw new InvalidParameterError(
      'filters',
      filters,
      `filters must list 1 to ${MAX_CONVOLUTION_LEVELS} convolution ` +
        `levels, got ${filters.length}`,
    );
  }
  filters.forEach((count, i) => {
    assertIntegerInRange(`filters[${i}]`, count, 1);
  });
}

function resolveAutoencoder(
  options: AutoencoderOptions | undefined,
  codeIsMapped: boolean,
  mappedDimension: () => number,
): ResolvedAutoencoder {
  if (options === undefined) return { depth: 0 };
  if (typeof options !== 'object' || options === null) {
    throw new InvalidParameterError(
      'autoencoder',
      options,
      `autoencoder must be an object such as { depth: 1 }, got ` +
        `${JSON.stringify(options)}`,
    );
  }
  assertKnownKeys('autoencoder.', options, AUTOENCODER_KEYS);
  const depth = options.depth;
  assertOneOf('autoencoder.depth', depth, [0, 1, 2]);
  if (depth === 0) {
    for (const key of AUTOENCODER_KEYS.slice(1)) {
      const value = (options as unknown as Record<string, unknown>)[key];
      if (value !== undefined) {
        throw new InvalidParameterError(
          `autoencoder.${key}`,
          value,
          `autoencoder.${key} needs an autoencoder, but autoencoder.depth ` +
            `is 0; set depth to 1 or 2 or drop ${key}`,
        );
      }
    }
    return { depth: 0 };
  }

  const sizes = [...(options.sizes ?? DEFAULT_AUTOENCODER_SIZES[depth])];
  if (options.sizes === undefined && codeIsMapped) {
    sizes[sizes.length - 1] = mappedDimension();
  }
  checkSizes(sizes, depth);
  const decoderActivation = options.decoderActivation ?? 'sigmoid';
  assertOneOf(
    'autoencoder.decoderActivation',
    decoderActivation,
    DECODER_ACTIVATIONS,
  );
  const reconstructionWeight = options.reconstructionWeight ?? 1;
  assertFiniteAbove(
    'autoencoder.reconstructionWeight',
    reconstructionWeight,
    0,
  );
  return { depth, sizes, decoderActivation, reconstructionWeight };
}

function checkSizes(sizes: number[], depth: number): void {
  if (sizes.length !== depth) {
    throw new InvalidParameterError(
      'autoencoder.sizes',
      sizes,
      `autoencoder.sizes must list one width per encoder layer ` +
        `(depth ${depth}), got ${sizes.length}`,
    );
  }
  sizes.forEach((size, i) => {
    assertIntegerInRange(`autoencoder.sizes[${i}]`, size, 1);
  });
}
