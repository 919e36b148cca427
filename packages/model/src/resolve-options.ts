import {
  assertBoolean,
  assertFiniteAbove,
  assertIntegerInRange,
  assertKnownKeys,
  assertOneOf,
  assertOptionsObject,
  assertSeed,
  CLUSTERING_LOSSES,
  type ClusteringLoss,
  getRepresentativeType,
  InvalidParameterError,
} from '@fixclust/core';
import { registerBuiltInRepresentatives } from '@fixclust/representatives';

import { ACTIVATIONS } from './activations.js';
import { DEFAULT_VARIANCE_EPSILON } from './losses.js';
import { resolveMixtureOptions } from './mixture/options.js';
import { resolveNetworkOptions } from './network/options.js';
import {
  MAX_HIDDEN_LAYERS,
  OPTIMIZERS,
  OPTION_NAMES,
  PRESETS,
  QUALITY_PRESETS,
  REPRESENTATIVE_INITS,
  RUN_SELECTIONS,
  SCALINGS,
  type FixedRepresentativeOptions,
  type PresetSettings,
  type ResolvedOptions,
} from './options.js';

/**
 * Fills in defaults and checks every option that does not depend on the
 * data.
 *
 * @throws InvalidParameterError when `options` is not an object, and
 * naming the first unknown or invalid option.
 */
export function resolveOptions(
  options: FixedRepresentativeOptions,
): ResolvedOptions {
  assertOptionsObject('options', options, true);
  const presetName = options.preset ?? 'km50';
  const presets: Record<string, PresetSettings> = {
    ...PRESETS,
    ...QUALITY_PRESETS,
  };
  const preset = Object.hasOwn(presets, presetName)
    ? presets[presetName]!
    : undefined;
  if (preset === undefined) {
    throw new InvalidParameterError(
      'preset',
      presetName,
      `unknown preset "${presetName}"; presets: ${Object.keys(presets).join(', ')}`,
    );
  }
  assertKnownKeys('', options, OPTION_NAMES);
  return resolveWithPreset(withPreset(options, preset));
}

/**
 * Returns the options with the preset's settings filled in where the
 * options leave them undefined.
 */
function withPreset(
  options: FixedRepresentativeOptions,
  preset: PresetSettings,
): OptionsWithPreset {
  const merged: Record<string, unknown> = { ...preset };
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined) merged[name] = value;
  }
  return merged as unknown as OptionsWithPreset;
}

/** Options whose preset has supplied the loss and lambda. */
type OptionsWithPreset = FixedRepresentativeOptions & {
  loss: ClusteringLoss;
  lambda: number;
};

function resolveWithPreset(options: OptionsWithPreset): ResolvedOptions {
  assertIntegerInRange('nClusters', options.nClusters, 1);
  const loss = options.loss;
  assertOneOf('loss', loss, CLUSTERING_LOSSES);
  const hiddenSizes = [...(options.hiddenSizes ?? [32])];
  const resolved: ResolvedOptions = {
    nClusters: options.nClusters,
    loss,
    lambda: options.lambda,
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
    patience: options.patience ?? null,
    nRuns: options.nRuns ?? 10,
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
    varianceEpsilon: options.varianceEpsilon ?? DEFAULT_VARIANCE_EPSILON,
    deviationTarget: options.deviationTarget ?? null,
    runSelection: options.runSelection ?? 'loss',
    pretrainEpochs: options.pretrainEpochs ?? 0,
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
  validateTrainingSchedule(options);
  assertIntegerInRange('predictBatchSize', options.predictBatchSize, 1);
  assertBoolean('shareOptimizerState', options.shareOptimizerState);
}

function validateTrainingSchedule(options: ResolvedOptions): void {
  const target = options.deviationTarget;
  if (target !== null && target !== 'representatives') {
    if (typeof target !== 'number' || !Number.isFinite(target) || target <= 0) {
      throw new InvalidParameterError(
        'deviationTarget',
        target,
        `deviationTarget must be a positive number, "representatives" or ` +
          `null, got ${String(target)}`,
      );
    }
  }
  if (options.patience !== null) {
    assertIntegerInRange('patience', options.patience, 1);
  }
  assertOneOf('runSelection', options.runSelection, RUN_SELECTIONS);
  assertIntegerInRange('pretrainEpochs', options.pretrainEpochs, 0);
  if (options.pretrainEpochs > 0 && options.autoencoder.depth === 0) {
    throw new InvalidParameterError(
      'pretrainEpochs',
      options.pretrainEpochs,
      `pretrainEpochs trains the autoencoder's reconstruction, but the ` +
        `model has none; set autoencoder.depth to 1 or 2, or drop ` +
        `pretrainEpochs`,
    );
  }
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
