import { InvalidDataError, InvalidParameterError } from '@fixclust/core';

/** Number of classes in the digit data sets: the digits 0 to 9. */
export const DIGIT_CLASSES = 10;

/** Parts of a data set that a loader can return. */
export const DATASET_SPLITS = ['all', 'train', 'test'] as const;

/**
 * Part of a data set to load: the training set, the test set, or both
 * (training samples first).
 */
export type DatasetSplit = (typeof DATASET_SPLITS)[number];

/** One part stored in the files: `train` or `test`. */
export type StoredSplit = Exclude<DatasetSplit, 'all'>;

/**
 * Returns the stored parts that make up `split`, in load order.
 *
 * @throws InvalidParameterError when `split` is not one of
 *   {@link DATASET_SPLITS}.
 */
export function storedSplits(split: DatasetSplit): StoredSplit[] {
  if (!(DATASET_SPLITS as readonly string[]).includes(split)) {
    throw new InvalidParameterError(
      'split',
      split,
      `split must be one of ${DATASET_SPLITS.join(', ')}, got ${String(split)}`,
    );
  }
  return split === 'all' ? ['train', 'test'] : [split];
}

/** Returns the data set name for `split`: `base`, or `base-train` and so on. */
export function splitName(base: string, split: DatasetSplit): string {
  return split === 'all' ? base : `${base}-${split}`;
}

/**
 * Checks that every label is an integer digit from 0 to 9.
 *
 * @param source - Where the labels come from, such as a file or `file:/dataset`.
 * @param path - File the labels came from, stored in the error.
 * @throws InvalidDataError naming `source`, the index and the value.
 */
export function checkDigitLabels(
  labels: ArrayLike<number>,
  source: string,
  path: string,
): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (Number.isInteger(label) && label >= 0 && label < DIGIT_CLASSES) {
      continue;
    }
    throw new InvalidDataError(
      `${source} contains the label ${label} at index ${i}; ` +
        `expected an integer from 0 to ${DIGIT_CLASSES - 1}`,
      { path },
    );
  }
}

/**
 * Joins typed arrays end to end into a new array of the first's type, or
 * returns the only part unchanged.
 */
export function concatenate<T extends Float32Array | Int32Array>(
  parts: readonly T[],
): T {
  const first = parts[0];
  if (first === undefined) throw new Error('concatenate needs one part');
  if (parts.length === 1) return first;

  const length = parts.reduce((total, part) => total + part.length, 0);
  const joined = new (first.constructor as new (length: number) => T)(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
