import { assertIntegerInRange, type FixclustWarning } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

import {
  assertValidInput,
  featureMoments,
  rowSource,
  type BaselineData,
} from './data.js';
import { createFitted, type FittedPca } from './fitted.js';
import { assertOptions, optionNames } from './options.js';
import { centredScatter, requireBackend } from './tensor-ops.js';

/** Options of {@link pca}. */
export interface PcaOptions {
  /**
   * Number of principal components to keep, from 1 to the smaller of the
   * number of samples and features. Required.
   */
  nComponents: number;
}

const OPTION_NAMES = optionNames<PcaOptions>({ nComponents: true });

/**
 * Result of {@link pca}: the fitted projection (`components`, `mean`,
 * `transform`), which `saveBaseline` writes to a folder, and how the fit
 * went.
 */
export interface PcaResult extends FittedPca {
  /** Name of the tfjs backend the scatter matrix was computed on. */
  backend: string;
  /** Things worth knowing about this result; empty when all went well. */
  warnings: FixclustWarning[];
}

/**
 * Fits principal component analysis on mean-centred data.
 *
 * Computes the scatter matrix `Σ (x − mean)ᵀ (x − mean)` on the active tfjs
 * backend, a block of rows at a time in float32, summed in float64, then
 * the symmetric eigendecomposition of the `d × d` covariance with ml-matrix.
 * For MNIST (70,000 × 784) that is one pass of matrix products plus a
 * 784 × 784 eigendecomposition, cheaper than an SVD of the whole matrix.
 *
 * Signs follow scikit-learn's `svd_flip` rule applied to the components:
 * each component's coefficient of largest magnitude is positive (the first
 * one on a tie).
 *
 * @param data - a dense matrix whose `x` is a Float32Array, or a CSR
 * matrix.
 * @throws InvalidParameterError before any tensor work, for missing
 * options, an unknown option, a `data` argument that is not a matrix, or
 * an `nComponents` that is not an integer between 1 and
 * min(nSamples, nFeatures).
 * @throws InvalidDataError before any tensor work, for dense values that
 * are not a Float32Array, and for empty, malformed or non-finite data.
 * @throws BackendUnavailableError, saying how to start one, when no tfjs
 * backend is registered or none starts.
 */
export async function pca(
  data: BaselineData,
  options: PcaOptions,
): Promise<PcaResult> {
  assertOptions(options, OPTION_NAMES, 'nComponents');
  assertValidInput(data);
  const source = rowSource(data);
  const { nSamples: n, nFeatures: d } = source;
  const limit = Math.min(n, d);
  assertIntegerInRange(
    'nComponents',
    options.nComponents,
    1,
    limit,
    `min(nSamples, nFeatures) (${limit})`,
  );
  await requireBackend('pca');

  const { mean } = featureMoments(source);
  const covariance = centredScatter(source, mean).map(
    (value) => value / Math.max(n - 1, 1),
  );
  const eigen = sortedEigen(covariance, d);
  const k = options.nComponents;
  const components = eigen.vectors.slice(0, k * d);
  flipSigns(components, d);
  const explainedVariance = eigen.values.slice(0, k);
  const total = trace(covariance, d);
  const parameters = {
    kind: 'pca' as const,
    nComponents: k,
    components,
    mean,
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((v) =>
      total > 0 ? v / total : 0,
    ),
  };
  return createFitted(parameters, {
    backend: tf.getBackend(),
    warnings: zeroVarianceWarnings(explainedVariance),
  });
}

/**
 * Eigenvalues of a symmetric matrix in decreasing order, negatives from
 * rounding clipped to 0, with their unit eigenvectors as rows.
 */
function sortedEigen(
  matrix: Float64Array,
  d: number,
): { values: Float64Array; vectors: Float64Array } {
  const rows = Array.from({ length: d }, (_, i) =>
    Array.from(matrix.subarray(i * d, (i + 1) * d)),
  );
  const decomposition = new EigenvalueDecomposition(new Matrix(rows), {
    assumeSymmetric: true,
  });
  const raw = decomposition.realEigenvalues;
  const order = [...raw.keys()].sort((a, b) => raw[b]! - raw[a]! || a - b);
  const eigenvectors = decomposition.eigenvectorMatrix;
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((column, rank) => {
    values[rank] = Math.max(raw[column]!, 0);
    for (let j = 0; j < d; j++)
      vectors[rank * d + j] = eigenvectors.get(j, column);
  });
  return { values, vectors };
}

/** Makes the largest-magnitude coefficient of each row positive. */
function flipSigns(rows: Float64Array, d: number): void {
  for (let r = 0; r < rows.length / d; r++) {
    let largest = r * d;
    for (let p = r * d + 1; p < (r + 1) * d; p++) {
      if (Math.abs(rows[p]!) > Math.abs(rows[largest]!)) largest = p;
    }
    if (rows[largest]! < 0) {
      for (let p = r * d; p < (r + 1) * d; p++) rows[p] = -rows[p]!;
    }
  }
}

function zeroVarianceWarnings(variances: Float64Array): FixclustWarning[] {
  const first = variances.findIndex((v) => v === 0);
  if (first < 0) return [];
  const last = variances.length - 1;
  const explanation =
    first === last
      ? `component ${first} explains no variance, because the centred ` +
        `data has rank ${first}; its direction is arbitrary`
      : `components ${first} to ${last} explain no variance, because the ` +
        `centred data has rank ${first}; their directions are arbitrary`;
  return [
    {
      code: 'zero-variance-components',
      message: `${explanation}, so use nComponents ≤ ${Math.max(first, 1)}`,
    },
  ];
}

function trace(matrix: Float64Array, d: number): number {
  let total = 0;
  for (let j = 0; j < d; j++) total += matrix[j * d + j]!;
  return total;
}
