import {
  assertFiniteAbove,
  assertIntegerInRange,
  assertSeed,
  CLUSTERING_LOSSES,
  InvalidParameterError,
  type ClusteringLoss,
} from '@fixclust/core';

import { ACTIVATIONS, type Activation } from './activations.js';
import { DEFAULT_VARIANCE_EPSILON } from './losses.js';

/**
 * The published setups of the method: a clustering loss and the weight of
 * the variable-features term. `km50` clusters best; `km1` and `cmm1`
 * collapse to one or two clusters within an epoch or two on MNIST and USPS.
 */
export const PRESETS = {
  km1: { loss: 'km', lambda: 1 },
  km50: { loss: 'km', lambda: 50 },
  gmm1: { loss: 'gmm', lambda: 1 },
  cmm1: { loss: 'cmm', lambda: 1 },
} as const satisfies Record<string, { loss: ClusteringLoss; lambda: number }>;

/** Name of a preset; see {@link PRESETS}. */
export type PresetName = keyof typeof PRESETS;

/** Options of {@link FixedRepresentativeClustering}. */
export interface FixedRepresentativeOptions {
  /** Number of clusters k. Required. */
  nClusters: number;
  /**
   * Published setup to start from; explicit `loss` and `lambda` override
   * it. Default: `km50`.
   */
  preset?: PresetName;
  /** Clustering loss. Default: the preset's (`km`). */
  loss?: ClusteringLoss;
  /** Weight of the variable-features term. Default: the preset's (50). */
  lambda?: number;
  /** Hidden layer sizes of the mapping MLP. Default: `[32]`. */
  hiddenSizes?: readonly number[];
  /** Activation of the hidden layers. Default: `tanh`. */
  activation?: Activation;
  /** Registered representative type. Default: `vertex`. */
  representatives?: string;
  /** Options passed to the representative type, such as `{ scale: 1 }`. */
  representativeOptions?: Readonly<Record<string, unknown>>;
  /**
   * Dimension of the mapped space: the number of network outputs and of
   * coordinates per representative. Default: the representative type's
   * `defaultDimension(nClusters)` (k for `vertex`).
   */
  dimension?: number;
  /** Adam learning rate. Default: 1e-3. */
  learningRate?: number;
  /** Samples per training step, at least 2. Default: 128. */
  batchSize?: number;
  /** Passes over the data per run. Default: 10. */
  epochs?: number;
  /** Independent runs; the one with the lowest best loss is kept. Default: 10. */
  nRuns?: number;
  /**
   * Seed of the whole fit: weights and shuffling of every run derive from
   * it. 0 is a valid seed. Default: drawn at random and stored in the result.
   */
  seed?: number;
  /** Epsilon in `sqrt(variance + epsilon)`. Default: 1e-8. */
  varianceEpsilon?: number;
  /** Rows per prediction batch. Default: 4096. */
  predictBatchSize?: number;
  /**
   * Whether the runs of a fit share one Adam state (moments and step
   * count) instead of each starting fresh, as the method's original
   * experiments did. Default: false.
   */
  shareOptimizerState?: boolean;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  nClusters: number;
  loss: ClusteringLoss;
  lambda: number;
  hiddenSizes: number[];
  activation: Activation;
  representatives: string;
  representativeOptions: Readonly<Record<string, unknown>>;
  dimension: number | undefined;
  learningRate: number;
  batchSize: number;
  epochs: number;
  nRuns: number;
  seed: number;
  varianceEpsilon: number;
  predictBatchSize: number;
  shareOptimizerState: boolean;
}

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
  const resolved: ResolvedOptions = {
    nClusters: options.nClusters,
    loss: options.loss ?? preset.loss,
    lambda: options.lambda ?? preset.lambda,
    hiddenSizes: [...(options.hiddenSizes ?? [32])],
    activation: options.activation ?? 'tanh',
    representatives: options.representatives ?? 'vertex',
    representativeOptions: options.representativeOptions ?? {},
    dimension: options.dimension,
    learningRate: options.learningRate ?? 1e-3,
    batchSize: options.batchSize ?? 128,
    epochs: options.epochs ?? 10,
    nRuns: options.nRuns ?? 10,
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
    varianceEpsilon: options.varianceEpsilon ?? DEFAULT_VARIANCE_EPSILON,
    predictBatchSize: options.predictBatchSize ?? 4096,
    shareOptimizerState: options.shareOptimizerState ?? false,
  };
  validateOptions(resolved);
  return resolved;
}

function validateOptions(options: ResolvedOptions): void {
  assertIntegerInRange('nClusters', options.nClusters, 1);
  if (!CLUSTERING_LOSSES.includes(options.loss)) {
    throw new InvalidParameterError(
      'loss',
      options.loss,
      `loss must be one of ${CLUSTERING_LOSSES.join(', ')}, got "${options.loss}"`,
    );
  }
  assertFiniteAbove('lambda', options.lambda, 0, true);
  options.hiddenSizes.forEach((size, i) =>
    assertIntegerInRange(`hiddenSizes[${i}]`, size, 1),
  );
  if (!ACTIVATIONS.includes(options.activation)) {
    throw new InvalidParameterError(
      'activation',
      options.activation,
      `activation must be one of ${ACTIVATIONS.join(', ')}, got "${options.activation}"`,
    );
  }
  if (options.dimension !== undefined) {
    assertIntegerInRange('dimension', options.dimension, 1);
  }
  assertFiniteAbove('learningRate', options.learningRate, 0);
  // A batch of one sample has no spread, so the variable-features term
  // would vanish; only the last batch of an epoch may be that small.
  assertIntegerInRange('batchSize', options.batchSize, 2);
  assertIntegerInRange('epochs', options.epochs, 1);
  assertIntegerInRange('nRuns', options.nRuns, 1);
  assertSeed(options.seed);
  assertFiniteAbove('varianceEpsilon', options.varianceEpsilon, 0);
  assertIntegerInRange('predictBatchSize', options.predictBatchSize, 1);
}
