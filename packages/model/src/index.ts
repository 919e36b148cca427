/**
 * Deep clustering with fixed representatives and variable features, on
 * TensorFlow.js. Select a compute backend (for example with
 * `@fixclust/backend-wasm`) before fitting.
 *
 * @packageDocumentation
 */
export { ACTIVATIONS, type Activation } from './activations.js';
export {
  assignClusters,
  clusteringLoss,
  cmmLoss,
  DEFAULT_VARIANCE_EPSILON,
  disposeRepresentatives,
  gmmLoss,
  kmLoss,
  posteriors,
  unnormalisedLogDensities,
  representativeDeviations,
  representativeTensors,
  squaredDistances,
  variableFeaturesTerm,
  type RepresentativeTensors,
} from './losses.js';
export {
  FixedRepresentativeClustering,
  selectBalancedRun,
  selectBestRun,
  type FitOptions,
  type FitResult,
  type FittedState,
  type ParallelFitOptions,
} from './model.js';
export {
  RunWorkerPool,
  type PoolRuns,
  type RunWorkerPoolOptions,
} from './worker-pool.js';
export type { MixtureWeights } from './mixture/parameters.js';
export {
  initialiseNetwork,
  type ConvLayerWeights,
  type DenseLayerWeights,
  type ImageShape,
  type NetworkShape,
  type NetworkWeights,
} from './network/index.js';
export {
  DECODER_ACTIVATIONS,
  DEFAULT_AUTOENCODER_SIZES,
  DEFAULT_FILTERS,
  MAX_HIDDEN_LAYERS,
  NETWORKS,
  OPTIMIZERS,
  PRESETS,
  QUALITY_PRESETS,
  REPRESENTATIVE_INITS,
  RUN_SELECTIONS,
  SCALINGS,
  type AutoencoderOptions,
  type DecoderActivation,
  type FixedRepresentativeOptions,
  type NetworkKind,
  type OptimizerName,
  type PresetName,
  type PresetSettings,
  type RepresentativeInit,
  type ResolvedAutoencoder,
  type ResolvedOptions,
  type RunSelection,
  type Scaling,
} from './options.js';
export { resolveOptions } from './resolve-options.js';
export { registerGradients } from './training-step.js';
export type { StreamFitOptions } from './stream-fit.js';
export type {
  PcaParameters,
  PcaProgress,
  Preprocessing,
  ScalingParameters,
} from './preprocessing/index.js';
export { assertValidMatrix, type DataMatrix } from './data.js';
export type {
  EpochProgress,
  ModelRunRecord,
  RunOutcome,
  TrainingRecord,
} from './train.js';
export {
  deserializeModel,
  serializeModel,
  sha256Hex,
  type ModelArtifacts,
} from './persistence/artifacts.js';
export {
  loadModel,
  loadModelFromUrl,
  saveModel,
  type SaveModelOptions,
} from './persistence/files.js';
export {
  MANIFEST_FILE,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ManifestPreprocessing,
  type ModelManifest,
  type WeightSpec,
} from './persistence/manifest.js';
export { MODEL_PACKAGE_VERSION } from './version.js';
