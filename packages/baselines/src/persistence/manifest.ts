import {
  manifestFailure,
  MAX_SEED,
  validateWeightsField,
  type ArtifactWeights,
  type ManifestFailure,
} from '@fixclust/core';

import { BASELINE_KINDS, type BaselineKind } from '../fitted.js';
import {
  COVARIANCE_TYPES,
  type CovarianceType,
} from '../mixture-estimation.js';

/** Value of a saved baseline manifest's `format` field. */
export const BASELINE_FORMAT = 'fixclust-baseline';

/** Manifest layout this version writes and reads. */
export const BASELINE_FORMAT_VERSION = 1;

/**
 * File name of the manifest inside a saved baseline's folder. It is the
 * same as a saved deep model's, so a folder contains either one and the
 * manifest's `format` field tells which.
 */
export const BASELINE_MANIFEST_FILE = 'model.json';

/** Settings of a saved baseline that its arrays do not carry. */
export type BaselineSettings =
  | { nClusters: number; seed: number }
  | { nComponents: number; covarianceType: CovarianceType; seed: number }
  | { nComponents: number };

/**
 * The JSON manifest of a saved baseline. The weights file contains float64
 * arrays, listed in `weights.tensors`, named after the fitted parameters:
 *
 * - `kmeans`: `mean` (`[d]`, the feature mean distances are centred on)
 *   and `centredCentres` (`[k, d]`, the centres minus `mean`);
 * - `gaussian-mixture`: `weights` (`[k]`), `means` (`[k, d]`),
 *   `covariances` and `choleskyFactors` (`[k, d, d]` for `full`, `[k, d]`
 *   for `diag`: the lower Cholesky factors or the standard deviations) and
 *   `halfLogDets` (`[k]`, log |Σ| / 2);
 * - `pca`: `mean` (`[d]`), `components` (`[k, d]`), `explainedVariance`
 *   and `explainedVarianceRatio` (`[k]`).
 */
export interface BaselineManifest {
  format: typeof BASELINE_FORMAT;
  formatVersion: number;
  kind: BaselineKind;
  /** ISO 8601 time of saving. */
  createdAt: string;
  /** Versions of the packages that wrote the baseline. */
  versions: Record<string, string>;
  /** Number of input features. */
  nFeatures: number;
  /**
   * `kmeans`: `nClusters` and `seed`; `gaussian-mixture`: `nComponents`,
   * `covarianceType` and `seed`; `pca`: `nComponents`.
   */
  settings: BaselineSettings;
  weights: ArtifactWeights;
}

/**
 * Checks the parsed manifest's fields and their types, and that it is of
 * `expectedKind` when one is given.
 *
 * @throws InvalidDataError naming `source` and the first invalid field.
 */
export function validateBaselineManifest(
  value: unknown,
  source: string,
  expectedKind?: BaselineKind,
): BaselineManifest {
  const fail = manifestFailure(source);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('(root)', 'must be a JSON object');
  }
  const manifest = value as Record<string, unknown>;
  checkFormat(manifest, fail);
  const kind = checkKind(manifest['kind'], expectedKind, fail);
  const nFeatures = manifest['nFeatures'];
  if (!Number.isInteger(nFeatures) || (nFeatures as number) < 1) {
    fail('nFeatures', `must be a positive integer, got ${json(nFeatures)}`);
  }
  checkSettings(requireObject(manifest, 'settings', fail), kind, fail);
  validateWeightsField(requireObject(manifest, 'weights', fail), fail, [
    'float64',
  ]);
  return manifest as unknown as BaselineManifest;
}

function checkFormat(manifest: Record<string, unknown>, fail: Fail): void {
  const format = manifest['format'];
  if (format === 'fixclust-model') {
    fail(
      'format',
      `is "fixclust-model": the folder holds a deep clustering model, ` +
        `which loads with loadModel from @fixclust/model`,
    );
  }
  if (format !== BASELINE_FORMAT) {
    fail('format', `must be "${BASELINE_FORMAT}", got ${json(format)}`);
  }
  if (manifest['formatVersion'] !== BASELINE_FORMAT_VERSION) {
    fail(
      'formatVersion',
      `is ${json(manifest['formatVersion'])}, but this version of ` +
        `@fixclust/baselines reads only format version ` +
        `${BASELINE_FORMAT_VERSION}`,
    );
  }
}

function checkKind(
  kind: unknown,
  expectedKind: BaselineKind | undefined,
  fail: Fail,
): BaselineKind {
  if (!BASELINE_KINDS.includes(kind as BaselineKind)) {
    fail(
      'kind',
      `must be one of ${BASELINE_KINDS.map((k) => `"${k}"`).join(', ')}, ` +
        `got ${json(kind)}`,
    );
  }
  if (expectedKind !== undefined && kind !== expectedKind) {
    fail(
      'kind',
      `is ${json(kind)}, but a "${expectedKind}" model was requested; ` +
        `load the folder as kind ${json(kind)}, or pick the folder of a ` +
        `"${expectedKind}" model`,
    );
  }
  return kind as BaselineKind;
}

function checkSettings(
  settings: Record<string, unknown>,
  kind: BaselineKind,
  fail: Fail,
): void {
  const count = kind === 'kmeans' ? 'nClusters' : 'nComponents';
  const value = settings[count];
  if (!Number.isInteger(value) || (value as number) < 1) {
    fail(`settings.${count}`, `must be a positive integer, got ${json(value)}`);
  }
  if (kind !== 'pca') {
    const seed = settings['seed'];
    if (
      !Number.isInteger(seed) ||
      (seed as number) < 0 ||
      (seed as number) > MAX_SEED
    ) {
      fail(
        'settings.seed',
        `must be an integer in [0, ${MAX_SEED}], got ${json(seed)}`,
      );
    }
  }
  if (
    kind === 'gaussian-mixture' &&
    !COVARIANCE_TYPES.includes(settings['covarianceType'] as CovarianceType)
  ) {
    fail(
      'settings.covarianceType',
      `must be "full" or "diag", got ${json(settings['covarianceType'])}`,
    );
  }
}

type Fail = ManifestFailure;

function requireObject(
  parent: Record<string, unknown>,
  field: string,
  fail: Fail,
): Record<string, unknown> {
  const value = parent[field];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(field, 'must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function json(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
