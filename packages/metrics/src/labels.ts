import {
  countOf,
  describeValue,
  InvalidDataError,
  InvalidParameterError,
} from '@fixclust/core';

/**
 * Class or cluster labels, one per sample: finite numbers (usually
 * integers) or strings, in a plain array or a typed array such as
 * `Int32Array`.
 *
 * Labels are compared with `Map` key equality, so `1` and `'1'` are two
 * different labels, while `0` and `-0` are the same one.
 */
export type Labels = ArrayLike<number | string>;

/**
 * Checks that `labels`, the argument `name`, is an array, a typed array or
 * another array-like object, so that a string, a number or a missing
 * argument is reported by name instead of being read as labels.
 *
 * @throws InvalidParameterError naming the argument and what it got.
 */
export function assertLabelArray(
  labels: unknown,
  name: string,
): asserts labels is Labels {
  if (Array.isArray(labels)) return;
  if (ArrayBuffer.isView(labels) && !(labels instanceof DataView)) return;
  // A DataView has no length, so it fails here.
  const length = (labels as { length?: unknown } | null)?.length;
  const isArrayLike =
    typeof labels === 'object' &&
    Number.isSafeInteger(length) &&
    (length as number) >= 0;
  if (isArrayLike) return;
  throw new InvalidParameterError(
    name,
    labels,
    `${name} must be an array of labels (numbers or strings) or a typed ` +
      `array such as an Int32Array, got ${describeValue(labels)}`,
  );
}

/** Labels replaced by dense ids 0 … k - 1. */
export interface EncodedLabels {
  /** Dense id of each sample's label. */
  ids: Int32Array;
  /** Distinct labels in order of first appearance, indexed by id. */
  values: (number | string)[];
}

/**
 * Maps each distinct label to a dense id, in order of first appearance.
 *
 * @param name - parameter name used in error messages.
 * @throws InvalidDataError naming the index of the first label that is
 * neither a finite number nor a string.
 */
export function encodeLabels(labels: Labels, name: string): EncodedLabels {
  const ids = new Int32Array(labels.length);
  const idByLabel = new Map<number | string, number>();
  const values: (number | string)[] = [];

  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as unknown;
    let id = idByLabel.get(label as number | string);
    if (id === undefined) {
      // Only a label's first appearance needs checking, because an invalid
      // label throws here and never enters the map.
      assertValidLabel(label, name, i);
      id = values.length;
      idByLabel.set(label, id);
      values.push(label);
    }
    ids[i] = id;
  }
  return { ids, values };
}

/**
 * Checks that both arguments are label arrays of the same, non-zero length.
 *
 * @throws InvalidParameterError naming an argument that is not an array.
 * @throws InvalidDataError naming both lengths, or saying both are empty.
 */
export function assertMatchingLabels(
  labelsTrue: Labels,
  labelsPred: Labels,
): void {
  assertLabelArray(labelsTrue, 'labelsTrue');
  assertLabelArray(labelsPred, 'labelsPred');
  if (labelsTrue.length !== labelsPred.length) {
    throw new InvalidDataError(
      `labelsTrue has ${countOf(labelsTrue.length, 'label')} but ` +
        `labelsPred has ${labelsPred.length}; pass one label per sample in ` +
        'both',
    );
  }
  if (labelsTrue.length === 0) {
    throw new InvalidDataError(
      'labelsTrue and labelsPred are empty; ' +
        'external metrics need at least one labelled sample',
    );
  }
}

function assertValidLabel(
  label: unknown,
  name: string,
  index: number,
): asserts label is number | string {
  if (typeof label === 'string') return;
  if (typeof label === 'number' && Number.isFinite(label)) return;
  throw new InvalidDataError(
    `${name}[${index}] is ${describeLabel(label)}; ` +
      'each label must be a finite number or a string',
  );
}

function describeLabel(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === null || value === undefined) return String(value);
  return `a value of type ${typeof value}`;
}
