import {
  assertFiniteAbove,
  assertIntegerInRange,
  assertSeed,
  CLUSTERING_LOSSES,
  getRepresentativeType,
  InvalidParameterError,
} from '@fixclust/core';
import { registerBuiltInRepresentatives } from '@fixclust/representatives';

import { ACTIVATIONS } from './activations.js';
import { assertBoolean, assertKnownKeys, assertOneOf } from './checks.js';
import { DEFAULT_VARIANCE_EPSILON } from './losses.js';
import { resolveMixtureOptions } from './mixture/options.js';
import { resolveNetworkOptions } from './network/options.js';
import {
  MAX_HIDDEN_LAYERS,
  OPTIMIZERS,
  OPTION_NAMES,
  PRESETS,
  REPRESENTATIVE_INITS,
  SCALINGS,
  type FixedRepresentativeOptions,
  type ResolvedOptions,
} from './options.js';

/**
 * Fills in defaults and checks every option that does not depend on the
 * data.
 *
 * @throws InvalidParameterError naming the first invalid option.
 */
export function resolveOptions(
  options: FixedRepresentativeOptions,
): ResolvedOptions {
  const presetName = options.preset ?? 'km50';
  const preset = PRESETS[presetName];
  if (preset === undefined) {
    throw new InvalidParameterError(
      'preset',
      presetName,
      `unknown preset "${presetName}"; presets: ${Object.keys(PRESETS).join(', ')}`,
    );
  }
  assertKnownKeys('', options, OPTION_NAMES);
  assertIntegerInRange('nClusters', options.nClusters, 1);
  const loss = options.loss ?? preset.loss;
  assertOneOf('loss', loss, CLUSTERING_LOSSES);
  const hiddenSizes = [...(options.hiddenSizes ?? [32])];
  const resolved: ResolvedOptions = {
    nClusters: options.nClusters,
    loss,
    lambda: options.lambda ?? preset.lambda,
    hiddenSizes,
    activation: options.activation ?? 'tanh',
    outputActivation: options.outputActivation ?? 'linear',
    representatives: options.representatives ?? 'vertex',
    representativeOptions: options.representativeOptions ?? {},
    representativeInit: options.representativeInit ?? 'layout',
    dimension: options.dimension,
    scaling: options.scaling ?? 'none',
    pca: options.pca ?? null,
    ...resolveNetworkOptions(options, hiddenSizes, () =>
      mappedDimension(options),
    ),
    optimizer: options.optimizer ?? 'adam',
    learningRate: options.learningRate ?? 1e-3,
    l2: options.l2 ?? 0,
    batchSize: options.batchSize ?? 128,
    shuffle: options.shuffle ?? true,
    epochs: options.epochs ?? 10,
    nRuns: options.nRuns ?? 10,
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
    varianceEpsilon: options.varianceEpsilon ?? DEFAULT_VARIANCE_EPSILON,
    predictBatchSize: options.predictBatchSize ?? 4096,
    shareOptimizerState: options.shareOptimizerState ?? false,
    ...resolveMixtureOptions(options, loss),
  };
  validateOptions(resolved);
  return resolved;
}

/** Returns the mapped space's dimension: the option, or the layout's default. */
function mappedDimension(options: FixedRepresentativeOptions): number {
  if (options.dimension !== undefined) return options.dimension;
  registerBuiltInRepresentatives();
  const type = getRepresentativeType(options.representatives ?? 'vertex');
  return type.defaultDimension(options.nClusters);
}

function validateOptions(options: ResolvedOptions): void {
  assertFiniteAbove('lambda', options.lambda, 0, true);
  if (options.hiddenSizes.length > MAX_HIDDEN_LAYERS) {
    throw new InvalidParameterError(
      'hiddenSizes',
      options.hiddenSizes,
      `hiddenSizes may list at most ${MAX_HIDDEN_LAYERS} hidden layers, ` +
        `got ${options.hiddenSizes.length}`,
    );
  }
  options.hiddenSizes.forEach((size, i) =>
    assertIntegerInRange(`hiddenSizes[${i}]`, size, 1),
  );

  assertOneOf('activation', options.activation, ACTIVATIONS);
  assertOneOf('outputActivation', options.outputActivation, ACTIVATIONS);
  assertOneOf(
    'representativeInit',
    options.representativeInit,
    REPRESENTATIVE_INITS,
  );
  if (options.dimension !== undefined) {
    assertIntegerInRange('dimension', options.dimension, 1);
  }
  validatePreprocessing(options);

  assertOneOf('optimizer', options.optimizer, OPTIMIZERS);
  assertFiniteAbove('learningRate', options.learningRate, 0);
  assertFiniteAbove('l2', options.l2, 0, true);
  // A batch of one sample has no spread, so the variable-features term
  // would vanish; only the last batch of an epoch may be that small.
  assertIntegerInRange('batchSize', options.batchSize, 2);
  assertBoolean('shuffle', options.shuffle);
  assertIntegerInRange('epochs', options.epochs, 1);
  assertIntegerInRange('nRuns', options.nRuns, 1);
  assertSeed(options.seed);
  assertFiniteAbove('varianceEpsilon', options.varianceEpsilon, 0);
  assertIntegerInRange('predictBatchSize', options.predictBatchSize, 1);
  assertBoolean('shareOptimizerState', options.shareOptimizerState);
}

function validatePreprocessing(options: ResolvedOptions): void {
  assertOneOf('scaling', options.scaling, SCALINGS);
  if (options.pca === null) return;
  assertIntegerInRange('pca', options.pca, 1);
  if (options.network === 'cnn') {
    throw new InvalidParameterError(
      'pca',
      options.pca,
      `pca projects away the image layout that network "cnn" needs; ` +
        `drop pca or use network "mlp"`,
    );
  }
}
