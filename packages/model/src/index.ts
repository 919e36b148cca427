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
  representativeTensors,
  squaredDistances,
  variableFeaturesTerm,
  type RepresentativeTensors,
} from './losses.js';
export {
  FixedRepresentativeClustering,
  selectBestRun,
  type FitOptions,
  type FitResult,
  type FittedState,
} from './model.js';
export {
  initialiseNetwork,
  type DenseLayerWeights,
  type NetworkShape,
  type NetworkWeights,
} from './network.js';
export {
  PRESETS,
  resolveOptions,
  type FixedRepresentativeOptions,
  type PresetName,
  type ResolvedOptions,
} from './options.js';
export { assertValidMatrix, type DataMatrix } from './data.js';
export type { EpochProgress, RunOutcome, TrainingRecord } from './train.js';
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
  type ModelManifest,
  type WeightSpec,
} from './persistence/manifest.js';
export { MODEL_PACKAGE_VERSION } from './version.js';
