import type { ClusteringLoss } from '@fixclust/core';

import type { Activation } from './activations.js';

/**
 * Settings a preset fixes: always a clustering loss and lambda, and for
 * presets beyond the published ones any other training settings. An
 * option set explicitly overrides the preset's value.
 */
export type PresetSettings = {
  loss: ClusteringLoss;
  lambda: number;
} & Partial<
  Pick<
    FixedRepresentativeOptions,
    | 'hiddenSizes'
    | 'activation'
    | 'representatives'
    | 'representativeOptions'
    | 'dimension'
    | 'scaling'
    | 'pca'
    | 'autoencoder'
    | 'learningRate'
    | 'batchSize'
    | 'epochs'
    | 'patience'
    | 'nRuns'
    | 'deviationTarget'
    | 'runSelection'
    | 'pretrainEpochs'
  >
>;

/**
 * The published setups of the method, each a clustering loss and the
 * weight of the variable-features term. `km50` clusters best, and `km1`
 * and `cmm1` collapse to one or two clusters within an epoch or two on
 * MNIST and USPS.
 */
export const PRESETS = {
  km1: { loss: 'km', lambda: 1 },
  km50: { loss: 'km', lambda: 50 },
  gmm1: { loss: 'gmm', lambda: 1 },
  cmm1: { loss: 'cmm', lambda: 1 },
} as const satisfies Record<string, PresetSettings>;

/**
 * Presets beyond the published setups, chosen from measured variants; each
 * sets more than the loss and lambda. `km-plus` is the `km` loss with the
 * variable-features term capped at the representatives' spread, a hidden
 * layer of 64, a step size of 3e-3 and 4 runs of 10 epochs. `km-plus-text`
 * adds PCA to 100 components and standard scaling. It is meant for TF-IDF
 * input, whose features vary too little for the network without
 * rescaling (mean standard deviation 0.019 on 20 Newsgroups against 0.32
 * on USPS). It needs at least 100 features and hurts on pixel data.
 */
export const QUALITY_PRESETS = {
  'km-plus': {
    loss: 'km',
    lambda: 50,
    deviationTarget: 'representatives',
    hiddenSizes: [64],
    learningRate: 0.003,
    nRuns: 4,
  },
  'km-plus-text': {
    loss: 'km',
    lambda: 50,
    deviationTarget: 'representatives',
    hiddenSizes: [64],
    learningRate: 0.003,
    nRuns: 4,
    pca: 100,
    scaling: 'standard',
  },
} as const satisfies Record<string, PresetSettings>;

/** Name of a preset; see {@link PRESETS} and {@link QUALITY_PRESETS}. */
export type PresetName = keyof typeof PRESETS | keyof typeof QUALITY_PRESETS;

/** Input scalings; see {@link FixedRepresentativeOptions.scaling}. */
export const SCALINGS = ['none', 'standard', 'minmax'] as const;

/** Name of an input scaling. */
export type Scaling = (typeof SCALINGS)[number];

/** Ways to choose the kept run; see {@link FixedRepresentativeOptions.runSelection}. */
export const RUN_SELECTIONS = ['loss', 'balance'] as const;

/** Name of a run selection criterion. */
export type RunSelection = (typeof RUN_SELECTIONS)[number];

/** Optimizers of the training steps. */
export const OPTIMIZERS = ['adam', 'sgd'] as const;

/** Name of an optimizer. */
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Ways to place the representatives; see `representativeInit`. */
export const REPRESENTATIVE_INITS = ['layout', 'uniform'] as const;

/** Name of a representative initialisation. */
export type RepresentativeInit = (typeof REPRESENTATIVE_INITS)[number];

/** Network families; see {@link FixedRepresentativeOptions.network}. */
export const NETWORKS = ['mlp', 'cnn'] as const;

/** Name of a network family. */
export type NetworkKind = (typeof NETWORKS)[number];

/** Activations the autoencoder's last decoder layer can use. */
export const DECODER_ACTIVATIONS = ['sigmoid', 'linear'] as const;

/** Name of a decoder output activation. */
export type DecoderActivation = (typeof DECODER_ACTIVATIONS)[number];

/** Largest number of hidden layers of the mapping network. */
export const MAX_HIDDEN_LAYERS = 3;

/** Default encoder widths of the autoencoder, by depth. */
export const DEFAULT_AUTOENCODER_SIZES: Readonly<Record<1 | 2, number[]>> = {
  1: [128],
  2: [128, 64],
};

/** Default filter counts of the CNN's convolution levels. */
export const DEFAULT_FILTERS = [64, 128];

/**
 * An autoencoder trained with the clustering objective: an encoder whose
 * last layer (the code) feeds the mapping network, a mirrored decoder, and
 * `reconstructionWeight` times the reconstruction's mean squared error
 * added to the loss.
 */
export interface AutoencoderOptions {
  /** Dense encoder layers: 0 (no autoencoder), 1 or 2. Required. */
  depth: 0 | 1 | 2;
  /**
   * Widths of the encoder's layers, input side first, one per level of
   * `depth`; the decoder mirrors them. Default: `[128]` for depth 1 and
   * `[128, 64]` for depth 2. With `hiddenSizes: []` the code is the mapped
   * space itself, so the last width is the mapped dimension d: the
   * default's last entry becomes d and explicit sizes must end with d.
   */
  sizes?: readonly number[];
  /** Activation of the decoder's output layer. Default: `sigmoid`. */
  decoderActivation?: DecoderActivation;
  /**
   * Weight of the reconstruction's mean squared error in the loss.
   * Default: 1.
   */
  reconstructionWeight?: number;
}

/** {@link AutoencoderOptions} with every default filled in. */
export type ResolvedAutoencoder =
  | { depth: 0 }
  | {
      depth: 1 | 2;
      sizes: number[];
      decoderActivation: DecoderActivation;
      reconstructionWeight: number;
    };

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
  /**
   * Hidden layer sizes of the mapping MLP, at most 3 layers; `[]` maps
   * linearly (or, with an autoencoder, uses the code as the mapped space).
   * Default: `[32]`.
   */
  hiddenSizes?: readonly number[];
  /** Activation of the hidden layers. Default: `tanh`. */
  activation?: Activation;
  /** Activation of the layer that outputs the mapped space. Default: `linear`. */
  outputActivation?: Activation;
  /** Registered representative type. Default: `vertex`. */
  representatives?: string;
  /** Options passed to the representative type, such as `{ scale: 1 }`. */
  representativeOptions?: Readonly<Record<string, unknown>>;
  /**
   * Placement of the representatives. `layout` uses the representative
   * type's layout. `uniform` draws each of the k × d coordinates uniformly
   * from [0, 1) with the fit's seeded generator, where d is the layout's
   * dimension. Default: `layout`.
   */
  representativeInit?: RepresentativeInit;
  /**
   * Dimension of the mapped space: the number of network outputs and of
   * coordinates per representative. Default: the representative type's
   * `defaultDimension(nClusters)` (k for `vertex`).
   */
  dimension?: number;
  /**
   * Per-feature scaling, fitted on the training data and applied before
   * the network in fit and in prediction. `standard` subtracts the mean
   * and divides by the population standard deviation. `minmax` maps each
   * feature's training range to [0, 1]. Constant features map to 0. On
   * sparse (CSR) input `standard` is rejected, because centring makes the
   * zeros non-zero. `minmax` there needs every column's minimum to be 0
   * (true for non-negative data with a zero in each column), so it only
   * divides. Applied after `pca` when both are set. Default: `none`.
   */
  scaling?: Scaling;
  /**
   * Number of principal components to project the input onto before the
   * network (PCA from `@fixclust/baselines`, fitted on the training data).
   * Not allowed with `network: 'cnn'`. Default: none (`null`).
   */
  pca?: number | null;
  /**
   * Network family. `mlp` is dense layers. `cnn` is convolution levels
   * (3 × 3 with same padding, the hidden activation, then 2 × 2
   * max-pooling) on square images, flattened before the mapping layers.
   * Default: `mlp`.
   */
  network?: NetworkKind;
  /**
   * Shape of one sample for `network: 'cnn'`: `[side, side]` or
   * `[side, side, channels]`, with the side divisible by 2 once per
   * convolution level. Default: the data's `sampleShape`.
   */
  imageShape?: readonly number[] | null;
  /**
   * Filters of each convolution level for `network: 'cnn'`, input side
   * first. Default: `[64, 128]`.
   */
  filters?: readonly number[] | null;
  /** Autoencoder trained with the clustering loss. Default: none (depth 0). */
  autoencoder?: AutoencoderOptions;
  /** Optimizer of the training steps. Default: `adam`. */
  optimizer?: OptimizerName;
  /** Step size of the optimizer. Default: 1e-3. */
  learningRate?: number;
  /**
   * Weight of an L2 penalty, `l2 · Σ w²`, on the weight matrices and
   * convolution kernels from the input to the mapped space, which are the
   * encoder and mapping layers. Biases and the decoder are not penalised.
   * Default: 0.
   */
  l2?: number;
  /** Samples per training step, at least 2. Default: 128. */
  batchSize?: number;
  /**
   * Whether each epoch visits the rows in a new seeded random order; false
   * keeps the data's row order in every epoch. Default: true.
   */
  shuffle?: boolean;
  /** Passes over the data per run. Default: 10. */
  epochs?: number;
  /**
   * Early stopping: a run ends once this many epochs in a row have not
   * lowered its lowest mean epoch loss, and keeps its best epoch. `null`
   * trains all `epochs`. Default: `null`.
   */
  patience?: number | null;
  /** Independent runs; the one with the lowest best loss is kept. Default: 10. */
  nRuns?: number;
  /**
   * Seed of the whole fit: weights and shuffling of every run derive from
   * it. 0 is a valid seed. Default: drawn at random and stored in the result.
   */
  seed?: number;
  /** Epsilon in `sqrt(variance + epsilon)`. Default: 1e-8. */
  varianceEpsilon?: number;
  /**
   * Cap on each mapped feature's standard deviation in the
   * variable-features term, which becomes `-lambda · mean_j min(std_j,
   * target_j)`: spread beyond the cap earns nothing. A positive number caps
   * every feature at that value. `representatives` caps feature j at the
   * standard deviation of coordinate j over the k representatives, the
   * spread of equally large clusters that sit on the representatives (0.6
   * for `vertex` with k = 10). Default: `null` (no cap).
   */
  deviationTarget?: number | 'representatives' | null;
  /**
   * How the kept run is chosen. `loss` keeps the run with the lowest
   * best-epoch loss. `balance` keeps the run whose clusters on the
   * training data have the most even sizes, measured by the entropy of the
   * cluster sizes. A tie goes to the lower loss. Default: `loss`.
   */
  runSelection?: RunSelection;
  /**
   * Autoencoder only: epochs at the start of each run that train the
   * encoder and decoder on the reconstruction error alone, before the
   * clustering objective switches on. They come on top of `epochs`, and
   * the kept epoch is one of the `epochs` clustering epochs. Default: 0.
   */
  pretrainEpochs?: number;
  /**
   * Rows per prediction batch. The CNN predicts in smaller batches when
   * needed, so that one convolution's patch matrix stays within 2^24
   * values. Default: 4096.
   */
  predictBatchSize?: number;
  /**
   * Whether the runs of a fit share one optimizer state (moments and step
   * count) instead of each starting fresh, as the method's original
   * experiments did. Default: false.
   */
  shareOptimizerState?: boolean;
  /**
   * Mixture losses only: train the component locations, starting at the
   * representatives. Default: false.
   */
  trainableLocations?: boolean;
  /**
   * Mixture losses only: train the mixing weights as `softmax(logits)`,
   * starting uniform. Default: false.
   */
  trainableLogits?: boolean;
  /**
   * Mixture losses only: train a lower-triangular scale matrix S per
   * component, the covariance S Sᵀ for `gmm` and the scale matrix S Sᵀ for
   * `cmm`. Its diagonal is stored as a log, so S stays invertible. It
   * starts at the identity. Default: false.
   */
  trainableScale?: boolean;
  /**
   * Mixture losses with `trainableLocations` only: weight of a term that
   * rewards spread-out locations, `-weight` times the mean over the d
   * coordinates of the locations' population variance across the k
   * components. Default: 0.
   */
  representativeVariance?: number;
  /**
   * Mixture losses with `trainableLogits` only: weight of the mean squared
   * distance of `softmax(logits)` to the uniform weights 1/k. Default: 0.
   */
  uniformLogits?: number;
  /**
   * `gmm` with `trainableLocations` or `trainableScale` only: weight of
   * minus the sum over ordered pairs i ≠ j of KL(component i ‖ component
   * j), which pushes the components apart. Default: 0.
   */
  klDivergence?: number;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  nClusters: number;
  loss: ClusteringLoss;
  lambda: number;
  hiddenSizes: number[];
  activation: Activation;
  outputActivation: Activation;
  representatives: string;
  representativeOptions: Readonly<Record<string, unknown>>;
  representativeInit: RepresentativeInit;
  dimension: number | undefined;
  scaling: Scaling;
  pca: number | null;
  network: NetworkKind;
  /** `null` for the MLP, and for the CNN when the data's shape is used. */
  imageShape: number[] | null;
  /** `null` for the MLP. */
  filters: number[] | null;
  autoencoder: ResolvedAutoencoder;
  optimizer: OptimizerName;
  learningRate: number;
  l2: number;
  batchSize: number;
  shuffle: boolean;
  epochs: number;
  patience: number | null;
  nRuns: number;
  seed: number;
  varianceEpsilon: number;
  deviationTarget: number | 'representatives' | null;
  runSelection: RunSelection;
  pretrainEpochs: number;
  predictBatchSize: number;
  shareOptimizerState: boolean;
  trainableLocations: boolean;
  trainableLogits: boolean;
  trainableScale: boolean;
  representativeVariance: number;
  uniformLogits: number;
  klDivergence: number;
}

/** Every option name of {@link FixedRepresentativeOptions}. */
export const OPTION_NAMES = [
  'nClusters',
  'preset',
  'loss',
  'lambda',
  'hiddenSizes',
  'activation',
  'outputActivation',
  'representatives',
  'representativeOptions',
  'representativeInit',
  'dimension',
  'scaling',
  'pca',
  'network',
  'imageShape',
  'filters',
  'autoencoder',
  'optimizer',
  'learningRate',
  'l2',
  'batchSize',
  'shuffle',
  'epochs',
  'patience',
  'nRuns',
  'seed',
  'varianceEpsilon',
  'deviationTarget',
  'runSelection',
  'pretrainEpochs',
  'predictBatchSize',
  'shareOptimizerState',
  'trainableLocations',
  'trainableLogits',
  'trainableScale',
  'representativeVariance',
  'uniformLogits',
  'klDivergence',
] as const satisfies ReadonlyArray<keyof FixedRepresentativeOptions>;

/** Tells whether the options train any mixture parameter. */
export function hasMixtureParameters(
  options: Pick<
    ResolvedOptions,
    'trainableLocations' | 'trainableLogits' | 'trainableScale'
  >,
): boolean {
  return (
    options.trainableLocations ||
    options.trainableLogits ||
    options.trainableScale
  );
}

// Fails to compile when an option is missing from OPTION_NAMES.
const everyOptionNamed: Exclude<
  keyof FixedRepresentativeOptions,
  (typeof OPTION_NAMES)[number]
> extends never
  ? true
  : never = true;
void everyOptionNamed;
