import {
  assertMatchingInput,
  rowSource,
  type BaselineData,
  type DataMatrix,
} from './data.js';
import { assignNearest } from './lloyd.js';
import {
  expectation,
  type CovarianceType,
  type MixtureParameters,
} from './mixture-estimation.js';
import { assertBackendStarted, projectChunks } from './tensor-ops.js';

/** Kind of a fitted baseline that can be saved and loaded. */
export type BaselineKind = 'kmeans' | 'gaussian-mixture' | 'pca';

/** Every kind of {@link BaselineKind}. */
export const BASELINE_KINDS: readonly BaselineKind[] = [
  'kmeans',
  'gaussian-mixture',
  'pca',
];

/**
 * A fitted k-means model: its centres and `predict`. A {@link
 * KMeansResult} is one, and so is a k-means model loaded from disk.
 */
export interface FittedKMeans {
  kind: 'kmeans';
  nClusters: number;
  nFeatures: number;
  /** Cluster centres, `nClusters × nFeatures`, row-major. */
  centres: Float64Array;
  /** Seed the fit was derived from. */
  seed: number;
  /**
   * Labels new rows with their nearest centre.
   *
   * @throws InvalidParameterError when `data` is not a matrix or the
   * number of features differs.
   * @throws InvalidDataError for dense values that are not a Float32Array,
   * and for empty or non-finite rows.
   * @throws BackendUnavailableError when no tfjs backend has started, as
   * after loading a saved model in a new process without starting one.
   */
  predict(data: BaselineData): Int32Array;
}

/** A fitted Gaussian mixture: its parameters, `predict` and `predictProba`. */
export interface FittedGaussianMixture {
  kind: 'gaussian-mixture';
  covarianceType: CovarianceType;
  nComponents: number;
  nFeatures: number;
  /** Mixing weight of each component; they sum to 1. */
  weights: Float64Array;
  /** `nComponents × nFeatures` means, row-major. */
  means: Float64Array;
  /**
   * `full`: `nComponents × nFeatures × nFeatures` covariance matrices;
   * `diag`: `nComponents × nFeatures` variances. Both include `regCovar`.
   */
  covariances: Float64Array;
  /** Seed the fit was derived from. */
  seed: number;
  /**
   * Returns the most probable component of each row.
   *
   * @throws InvalidParameterError when `data` is not a matrix or the
   * number of features differs.
   * @throws InvalidDataError for dense values that are not a Float32Array,
   * and for empty or non-finite rows.
   */
  predict(data: BaselineData): Int32Array;
  /**
   * Returns `p(component | x)` for each row, `n × nComponents` row-major;
   * each row sums to 1.
   *
   * @throws as {@link FittedGaussianMixture.predict}.
   */
  predictProba(data: BaselineData): Float64Array;
}

/** A fitted PCA: its components, mean, variances and `transform`. */
export interface FittedPca {
  kind: 'pca';
  nComponents: number;
  nFeatures: number;
  /**
   * Principal axes, `nComponents × nFeatures` row-major, unit length, in
   * decreasing order of explained variance. Each axis's largest-magnitude
   * coefficient is positive.
   */
  components: Float64Array;
  /** Mean of each feature, subtracted before projecting. */
  mean: Float64Array;
  /**
   * Variance of the data along each component: the covariance's
   * eigenvalues, with the unbiased `n − 1` denominator.
   */
  explainedVariance: Float64Array;
  /** Each component's share of the total variance (the trace). */
  explainedVarianceRatio: Float64Array;
  /**
   * Projects rows onto the components: `(x − mean) · componentsᵀ`, on the
   * active tfjs backend, as an `n × nComponents` matrix.
   *
   * @throws InvalidParameterError when `data` is not a matrix or the
   * number of features differs.
   * @throws InvalidDataError for dense values that are not a Float32Array,
   * and for empty or non-finite rows.
   * @throws BackendUnavailableError when no tfjs backend has started.
   */
  transform(data: BaselineData): DataMatrix;
}

/** A fitted baseline of any kind that can be saved and loaded. */
export type FittedBaseline = FittedKMeans | FittedGaussianMixture | FittedPca;

/** The fitted baseline of kind `K`. */
export type FittedBaselineOf<K extends BaselineKind> = Extract<
  FittedBaseline,
  { kind: K }
>;

/**
 * Parameters of k-means' `predict`. Distances are taken on rows centred
 * by `mean`, the training data's feature mean rounded to float32, so the
 * centres are stored centred by the same vector.
 */
export interface KMeansParameters {
  kind: 'kmeans';
  /** `nClusters × nFeatures` centres minus `mean`. */
  centredCentres: Float64Array;
  mean: Float64Array;
  nClusters: number;
  seed: number;
}

/** Parameters of a Gaussian mixture's `predict` and `predictProba`. */
export interface MixtureModelParameters {
  kind: 'gaussian-mixture';
  mixture: MixtureParameters;
  seed: number;
}

/** Parameters of PCA's `transform`, and its explained variances. */
export interface PcaParameters {
  kind: 'pca';
  nComponents: number;
  components: Float64Array;
  mean: Float64Array;
  explainedVariance: Float64Array;
  explainedVarianceRatio: Float64Array;
}

/** The arrays and settings a fitted baseline is saved as. */
export type BaselineParameters =
  KMeansParameters | MixtureModelParameters | PcaParameters;

/**
 * The parameters of each fitted object, so that saving writes exactly
 * what `predict` computes with, not a value derived from the public
 * fields.
 */
const parametersByFitted = new WeakMap<object, BaselineParameters>();

/**
 * Returns the parameters a fitted baseline was created with, or undefined
 * for an object that {@link createFitted} did not create (such as a copy
 * made with spread syntax).
 */
export function parametersOf(fitted: object): BaselineParameters | undefined {
  return parametersByFitted.get(fitted);
}

/**
 * Creates the fitted baseline for `parameters`, merged with `extra` (the
 * rest of a fit result), and records its parameters for saving.
 */
export function createFitted<P extends BaselineParameters, T extends object>(
  parameters: P,
  extra: T,
): FittedFor<P> & T {
  const fitted = { ...fittedFields(parameters), ...extra };
  parametersByFitted.set(fitted, parameters);
  return fitted as FittedFor<P> & T;
}

/** The fitted baseline that parameters of type `P` describe. */
export type FittedFor<P extends BaselineParameters> = FittedBaselineOf<
  P['kind']
>;

function fittedFields(parameters: BaselineParameters): FittedBaseline {
  switch (parameters.kind) {
    case 'kmeans':
      return fittedKMeans(parameters);
    case 'gaussian-mixture':
      return fittedMixture(parameters);
    case 'pca':
      return fittedPca(parameters);
  }
}

function fittedKMeans(parameters: KMeansParameters): FittedKMeans {
  const { centredCentres, mean, nClusters } = parameters;
  const d = mean.length;
  return {
    kind: 'kmeans',
    nClusters,
    nFeatures: d,
    centres: centredCentres.map((value, p) => value + mean[p % d]!),
    seed: parameters.seed,
    predict: (data) => {
      assertMatchingInput(data, d, 'k-means model');
      assertBackendStarted('predict');
      const source = rowSource(data);
      return assignNearest({ source, mean }, centredCentres, nClusters);
    },
  };
}

function fittedMixture(
  parameters: MixtureModelParameters,
): FittedGaussianMixture {
  const { mixture } = parameters;
  const probabilities = (data: BaselineData) => {
    assertMatchingInput(data, mixture.nFeatures, 'Gaussian mixture');
    return expectation(rowSource(data), mixture).responsibilities;
  };
  return {
    kind: 'gaussian-mixture',
    covarianceType: mixture.covarianceType,
    nComponents: mixture.nComponents,
    nFeatures: mixture.nFeatures,
    weights: mixture.weights,
    means: mixture.means,
    covariances: mixture.covariances,
    seed: parameters.seed,
    predict: (data) => mostProbable(probabilities(data), mixture.nComponents),
    predictProba: probabilities,
  };
}

function fittedPca(parameters: PcaParameters): FittedPca {
  const { kind: _kind, ...arrays } = parameters;
  return {
    kind: 'pca',
    ...arrays,
    nFeatures: parameters.mean.length,
    transform: (data) => project(data, parameters),
  };
}

/** Returns the row-wise argmax of an `n × k` matrix, ties to the lower index. */
export function mostProbable(values: Float64Array, k: number): Int32Array {
  const labels = new Int32Array(values.length / k);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) {
      if (values[i * k + c]! > values[i * k + best]!) best = c;
    }
    labels[i] = best;
  }
  return labels;
}

function project(data: BaselineData, parameters: PcaParameters): DataMatrix {
  assertMatchingInput(data, parameters.mean.length, 'PCA');
  assertBackendStarted('transform');
  const source = rowSource(data);
  const k = parameters.nComponents;
  const x = new Float32Array(source.nSamples * k);
  projectChunks(
    source,
    parameters.mean,
    parameters.components,
    k,
    (products, _, start) => x.set(products, start * k),
  );
  return { x, nSamples: source.nSamples, nFeatures: k };
}
