import { InvalidDataError, InvalidParameterError } from './errors.js';
import type { Dataset } from './types.js';

/**
 * Checks that `value` is an integer in [min, max].
 *
 * @throws InvalidParameterError naming the parameter, the range and the value.
 */
export function assertIntegerInRange(
  parameter: string,
  value: number,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
  maxLabel?: string,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const upper =
      max === Number.MAX_SAFE_INTEGER ? '' : ` and ${maxLabel ?? String(max)}`;
    const range = upper === '' ? `at least ${min}` : `between ${min}${upper}`;
    throw new InvalidParameterError(
      parameter,
      value,
      `${parameter} must be an integer ${range}, got ${value}`,
    );
  }
}

/**
 * Checks that `value` is a finite number greater than (or, with
 * `allowEqual`, equal to) `min`.
 *
 * @throws InvalidParameterError naming the parameter and the value.
 */
export function assertFiniteAbove(
  parameter: string,
  value: number,
  min: number,
  allowEqual = false,
): void {
  const ok = allowEqual ? value >= min : value > min;
  if (!Number.isFinite(value) || !ok) {
    const relation = allowEqual ? 'at least' : 'greater than';
    throw new InvalidParameterError(
      parameter,
      value,
      `${parameter} must be a finite number ${relation} ${min}, got ${value}`,
    );
  }
}

/**
 * Checks that a data matrix is non-empty, has the size its shape gives, and
 * contains only finite values.
 *
 * @throws InvalidDataError naming the first non-finite row and column.
 */
export function assertValidData(
  x: ArrayLike<number>,
  nSamples: number,
  nFeatures: number,
): void {
  if (nSamples < 1 || nFeatures < 1) {
    throw new InvalidDataError(
      `data is empty (${nSamples} samples × ${nFeatures} features); ` +
        `pass at least one sample with at least one feature`,
    );
  }
  if (x.length !== nSamples * nFeatures) {
    throw new InvalidDataError(
      `data has ${x.length} values, but ${nSamples} samples × ` +
        `${nFeatures} features need ${nSamples * nFeatures}`,
    );
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      const row = Math.floor(i / nFeatures);
      const column = i % nFeatures;
      throw new InvalidDataError(
        `data contains ${x[i]} at row ${row}, column ${column}; ` +
          `remove or impute non-finite values before clustering`,
      );
    }
  }
}

/** Checks a {@link Dataset}'s matrix and, when present, its labels. */
export function assertValidDataset(dataset: Dataset): void {
  assertValidData(dataset.x, dataset.nSamples, dataset.nFeatures);
  const labels = dataset.labels;
  if (labels !== undefined && labels.length !== dataset.nSamples) {
    throw new InvalidDataError(
      `dataset "${dataset.name}" has ${labels.length} labels for ` +
        `${dataset.nSamples} samples`,
    );
  }
}
