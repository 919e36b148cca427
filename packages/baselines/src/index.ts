/**
 * Classic clustering baselines to compare the fixed-representative method
 * against: random labels, k-means, Gaussian mixtures and PCA, on dense or
 * CSR matrices.
 *
 * @packageDocumentation
 */
export { CHUNK_ROWS, type BaselineData, type DataMatrix } from './data.js';
export {
  BASELINE_KINDS,
  type BaselineKind,
  type FittedBaseline,
  type FittedBaselineOf,
  type FittedGaussianMixture,
  type FittedKMeans,
  type FittedPca,
} from './fitted.js';
export {
  gaussianMixture,
  type GaussianMixtureOptions,
  type GaussianMixtureResult,
} from './gaussian-mixture.js';
export { kmeans, type KMeansOptions, type KMeansResult } from './kmeans.js';
export {
  miniBatchKMeans,
  type MiniBatchEpoch,
  type MiniBatchKMeansOptions,
  type MiniBatchKMeansResult,
} from './mini-batch-kmeans.js';
export {
  CollapsedComponentError,
  type CollapseAction,
  type CollapsedComponent,
  type CollapseReason,
} from './mixture-collapse.js';
export { COVARIANCE_TYPES, type CovarianceType } from './mixture-estimation.js';
export { pca, type PcaOptions, type PcaResult } from './pca.js';
export {
  deserializeBaseline,
  serializeBaseline,
  type BaselineArtifacts,
  type LoadBaselineOptions,
} from './persistence/artifacts.js';
export {
  loadBaseline,
  loadBaselineFromUrl,
  saveBaseline,
  type SaveBaselineOptions,
} from './persistence/files.js';
export {
  BASELINE_FORMAT,
  BASELINE_FORMAT_VERSION,
  BASELINE_MANIFEST_FILE,
  type BaselineManifest,
  type BaselineSettings,
} from './persistence/manifest.js';
export {
  randomLabels,
  type RandomLabelsOptions,
  type RandomLabelsResult,
} from './random-labels.js';
export { BASELINES_PACKAGE_VERSION } from './version.js';
