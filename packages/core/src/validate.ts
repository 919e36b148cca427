import { InvalidDataError, InvalidParameterError } from './errors.js';
import { assertValidCsr, type CsrMatrix } from './sparse.js';
import type { Dataset } from './types.js';

/**
 * Writes a parameter's value for a message: a number as it prints, any
 * other value with its type, such as `the string "2"`, so that a value of
 * the wrong type does not read like a right one.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name === undefined || name === 'Object' ? 'an object' : `a ${name}`;
  }
  return `${typeof value} ${String(value)}`;
}

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
      `${parameter} must be an integer ${range}, got ${describeValue(value)}`,
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
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok) {
    const relation = allowEqual ? 'at least' : 'greater than';
    throw new InvalidParameterError(
      parameter,
      value,
      `${parameter} must be a finite number ${relation} ${min}, got ` +
        describeValue(value),
    );
  }
}

/**
 * Checks that `value` is one of `choices`.
 *
 * @throws InvalidParameterError naming the parameter and the choices.
 */
export function assertOneOf(
  parameter: string,
  value: unknown,
  choices: readonly unknown[],
): void {
  if (!choices.includes(value)) {
    throw new InvalidParameterError(
      parameter,
      value,
      `${parameter} must be one of ${choices.join(', ')}, got ` +
        `${JSON.stringify(value)}`,
    );
  }
}

/**
 * Checks that `value` is a boolean.
 *
 * @throws InvalidParameterError naming the parameter.
 */
export function assertBoolean(parameter: string, value: unknown): void {
  if (typeof value !== 'boolean') {
    throw new InvalidParameterError(
      parameter,
      value,
      `${parameter} must be true or false, got ${JSON.stringify(value)}`,
    );
  }
}

/**
 * Checks that `options`, an argument named `name`, is an object, or
 * undefined when `required` is false, so that a missing or misplaced
 * argument is reported by name instead of failing inside.
 *
 * @throws InvalidParameterError naming the argument and what it got.
 */
export function assertOptionsObject(
  name: string,
  options: unknown,
  required: boolean,
): void {
  if (options === undefined && !required) return;
  if (
    typeof options !== 'object' ||
    options === null ||
    Array.isArray(options)
  ) {
    throw new InvalidParameterError(
      name,
      options,
      `${name} must be an object of options, got ${describeValue(options)}`,
    );
  }
}

/**
 * Checks that an options object has only the `known` keys, so a misspelt
 * option is reported instead of ignored. `prefix` precedes each key in
 * the message, such as `network.` for a nested object.
 *
 * @throws InvalidParameterError naming the first unknown key.
 */
export function assertKnownKeys(
  prefix: string,
  options: object,
  known: readonly string[],
): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidParameterError(
        `${prefix}${key}`,
        (options as Record<string, unknown>)[key],
        `${prefix}${key} is not an option; the options are ` +
          `${known.join(', ')}`,
      );
    }
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

/**
 * Checks that `values`, the values of a dense matrix passed as `name`, are
 * a Float32Array of this realm, the only dense type tfjs and the model
 * accept.
 *
 * @param alternative - Another type the caller accepts, named in the
 * message after the Float32Array, such as `a CSR matrix`.
 * @throws InvalidDataError naming the type received and the copy to make.
 */
export function assertFloat32Values(
  name: string,
  values: unknown,
  alternative?: string,
): asserts values is Float32Array {
  if (values instanceof Float32Array) return;
  const expected = alternative === undefined ? '' : ` or ${alternative}`;
  throw new InvalidDataError(
    `${name} must be a Float32Array of this realm${expected}, got ` +
      `${describeDenseValues(values)}; copy a flat array of numbers with ` +
      'Float32Array.from(x), rows with Float32Array.from(rows.flat())',
  );
}

/**
 * Checks a dense row-major matrix passed as the argument `name`: an object
 * `{ x, nSamples, nFeatures }` whose `x` is a Float32Array of this realm and
 * whose sizes are integers, then its size and values as
 * {@link assertValidData} does. Other fields, such as a data set's
 * `labels`, are allowed.
 *
 * @throws InvalidParameterError when `data` is not such an object or a
 * size is not an integer of at least 0; InvalidDataError for `x` of
 * another type, a size mismatch or a non-finite value.
 */
export function assertDenseMatrix(
  data: unknown,
  name = 'data',
): asserts data is { x: Float32Array; nSamples: number; nFeatures: number } {
  if (
    typeof data !== 'object' ||
    data === null ||
    Array.isArray(data) ||
    ArrayBuffer.isView(data)
  ) {
    throw new InvalidParameterError(
      name,
      data,
      `${name} must be an object { x, nSamples, nFeatures } with x a ` +
        `row-major Float32Array, got ${describeValue(data)}` +
        wrapHint(data),
    );
  }
  const { x, nSamples, nFeatures } = data as Record<string, unknown>;
  assertIntegerInRange(`${name}.nSamples`, nSamples as number, 0);
  assertIntegerInRange(`${name}.nFeatures`, nFeatures as number, 0);
  assertFloat32Values(`${name}.x`, x);
  assertValidData(x, nSamples as number, nFeatures as number);
}

/**
 * Checks a {@link CsrMatrix} passed as the argument `name`: integer sizes,
 * `indptr` and `indices` Int32Arrays, `data` a Float32Array (of any realm,
 * because CSR rows are copied into new dense blocks before use), then its
 * structure and values as {@link assertValidCsr} does.
 *
 * @throws InvalidParameterError when a size is not an integer of at least
 * 0; InvalidDataError for an array of another type, naming the copy to
 * make, or a malformed or non-finite matrix.
 */
export function assertCsrMatrix(
  matrix: CsrMatrix,
  name = 'data',
): asserts matrix is CsrMatrix {
  assertIntegerInRange(`${name}.nRows`, matrix.nRows, 0);
  assertIntegerInRange(`${name}.nCols`, matrix.nCols, 0);
  assertTypedArray(`${name}.indptr`, matrix.indptr, 'Int32Array');
  assertTypedArray(`${name}.indices`, matrix.indices, 'Int32Array');
  assertTypedArray(`${name}.data`, matrix.data, 'Float32Array');
  assertValidCsr(matrix);
}

function assertTypedArray(
  name: string,
  values: unknown,
  type: 'Int32Array' | 'Float32Array',
): void {
  // The tag, unlike instanceof, also matches arrays of another realm.
  if (Object.prototype.toString.call(values) === `[object ${type}]`) return;
  const field = name.slice(name.lastIndexOf('.') + 1);
  const article = type === 'Int32Array' ? 'an' : 'a';
  throw new InvalidDataError(
    `${name} must be ${article} ${type}, got ${describeValue(values)}; copy it ` +
      `with ${type}.from(${field})`,
  );
}

/** Describes dense values, telling a Float32Array of another realm apart. */
function describeDenseValues(values: unknown): string {
  const isForeign =
    typeof values === 'object' &&
    values !== null &&
    Object.prototype.toString.call(values) === '[object Float32Array]';
  return isForeign ? 'a Float32Array of another realm' : describeValue(values);
}

/** Suggests how to wrap an array passed where a matrix object belongs. */
function wrapHint(data: unknown): string {
  if (Array.isArray(data) && Array.isArray(data[0])) {
    return (
      '; for an array of rows pass { x: Float32Array.from(rows.flat()), ' +
      'nSamples: rows.length, nFeatures: rows[0].length }'
    );
  }
  if (data instanceof Float32Array) {
    return '; pass { x: values, nSamples, nFeatures }';
  }
  if (Array.isArray(data) || ArrayBuffer.isView(data)) {
    return '; pass { x: Float32Array.from(values), nSamples, nFeatures }';
  }
  return '';
}
