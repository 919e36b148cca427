import type { BaselineParameters } from '../fitted.js';
import type { CovarianceType } from '../mixture-estimation.js';
import type { BaselineManifest, BaselineSettings } from './manifest.js';

/**
 * Every setting of any kind; validation has checked the ones the
 * manifest's kind has.
 */
interface CheckedSettings {
  nClusters: number;
  nComponents: number;
  covarianceType: CovarianceType;
  seed: number;
}

/** One named array of a saved baseline. */
export interface NamedArray {
  name: string;
  shape: number[];
  values: Float64Array;
}

/** Converts parameters to the arrays and settings they are saved as. */
export function savedForm(parameters: BaselineParameters): {
  nFeatures: number;
  settings: BaselineSettings;
  arrays: NamedArray[];
} {
  switch (parameters.kind) {
    case 'kmeans': {
      const { nClusters, seed, mean, centredCentres } = parameters;
      const d = mean.length;
      return {
        nFeatures: d,
        settings: { nClusters, seed },
        arrays: [
          { name: 'mean', shape: [d], values: mean },
          {
            name: 'centredCentres',
            shape: [nClusters, d],
            values: centredCentres,
          },
        ],
      };
    }
    case 'gaussian-mixture': {
      const { mixture, seed } = parameters;
      const { nComponents, covarianceType, nFeatures } = mixture;
      const shapes = mixtureShapes(nComponents, nFeatures, covarianceType);
      const values: Record<string, Float64Array> = {
        weights: mixture.weights,
        means: mixture.means,
        covariances: mixture.covariances,
        choleskyFactors: mixture.factors,
        halfLogDets: mixture.halfLogDets,
      };
      return {
        nFeatures,
        settings: { nComponents, covarianceType, seed },
        arrays: shapes.map(({ name, shape }) => ({
          name,
          shape,
          values: values[name]!,
        })),
      };
    }
    case 'pca': {
      const { nComponents, mean } = parameters;
      return {
        nFeatures: mean.length,
        settings: { nComponents },
        arrays: pcaShapes(nComponents, mean.length).map(({ name, shape }) => ({
          name,
          shape,
          values: parameters[name as 'mean'],
        })),
      };
    }
  }
}

/** Names and shapes of the arrays a valid manifest's kind needs. */
export function expectedShapes(
  manifest: BaselineManifest,
): Array<{ name: string; shape: number[] }> {
  const d = manifest.nFeatures;
  const settings = manifest.settings as CheckedSettings;
  switch (manifest.kind) {
    case 'kmeans': {
      const k = settings.nClusters;
      return [
        { name: 'mean', shape: [d] },
        { name: 'centredCentres', shape: [k, d] },
      ];
    }
    case 'gaussian-mixture':
      return mixtureShapes(settings.nComponents, d, settings.covarianceType);
    case 'pca':
      return pcaShapes(settings.nComponents, d);
  }
}

/**
 * Rebuilds parameters from a valid manifest and its arrays, which
 * {@link expectedShapes} has checked.
 */
export function parametersFrom(
  manifest: BaselineManifest,
  arrays: Map<string, Float64Array>,
): BaselineParameters {
  const settings = manifest.settings as CheckedSettings;
  const get = (name: string) => arrays.get(name)!;
  switch (manifest.kind) {
    case 'kmeans':
      return {
        kind: 'kmeans',
        centredCentres: get('centredCentres'),
        mean: get('mean'),
        nClusters: settings.nClusters,
        seed: settings.seed,
      };
    case 'gaussian-mixture':
      return {
        kind: 'gaussian-mixture',
        seed: settings.seed,
        mixture: {
          covarianceType: settings.covarianceType,
          nComponents: settings.nComponents,
          nFeatures: manifest.nFeatures,
          weights: get('weights'),
          means: get('means'),
          covariances: get('covariances'),
          factors: get('choleskyFactors'),
          halfLogDets: get('halfLogDets'),
        },
      };
    case 'pca':
      return {
        kind: 'pca',
        nComponents: settings.nComponents,
        components: get('components'),
        mean: get('mean'),
        explainedVariance: get('explainedVariance'),
        explainedVarianceRatio: get('explainedVarianceRatio'),
      };
  }
}

function mixtureShapes(k: number, d: number, covarianceType: CovarianceType) {
  const covariance = covarianceType === 'full' ? [k, d, d] : [k, d];
  return [
    { name: 'weights', shape: [k] },
    { name: 'means', shape: [k, d] },
    { name: 'covariances', shape: covariance },
    { name: 'choleskyFactors', shape: covariance },
    { name: 'halfLogDets', shape: [k] },
  ];
}

function pcaShapes(k: number, d: number) {
  return [
    { name: 'mean', shape: [d] },
    { name: 'components', shape: [k, d] },
    { name: 'explainedVariance', shape: [k] },
    { name: 'explainedVarianceRatio', shape: [k] },
  ];
}
