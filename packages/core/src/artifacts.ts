import { InvalidDataError } from './errors.js';

/** Element type of an array in a weights file. */
export type ArtifactDtype = 'float32' | 'float64';

/** Name, shape and element type of one array in a weights file. */
export interface ArtifactArraySpec {
  name: string;
  shape: number[];
  dtype: ArtifactDtype;
}

/**
 * The `weights` field of a saved manifest: the binary file beside it, its
 * size, its checksum and the arrays it contains, in order. Each array is
 * stored as little-endian values of its dtype in row-major order, and the
 * arrays are concatenated with no padding.
 */
export interface ArtifactWeights {
  /** File name, relative to the manifest. */
  file: string;
  byteLength: number;
  /** Hex SHA-256 of the weights file. */
  sha256: string;
  tensors: ArtifactArraySpec[];
}

/**
 * Reports the first invalid field of a manifest. Implementations throw,
 * usually through {@link manifestFailure}.
 */
export type ManifestFailure = (field: string, problem: string) => never;

/** One array to encode: its values and the dtype to store them as. */
export interface ArtifactArray {
  values: ArrayLike<number>;
  dtype: ArtifactDtype;
}

const BYTES_PER_ELEMENT: Record<ArtifactDtype, number> = {
  float32: 4,
  float64: 8,
};

/** Returns the hex SHA-256 of `bytes` (Web Crypto, in Node and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

/**
 * Returns the file name a weights file gets from its checksum, so that a
 * new save never overwrites the file the current manifest names.
 */
export function weightsFileName(sha256: string): string {
  return `weights-${sha256.slice(0, 16)}.bin`;
}

/** Matches the names {@link weightsFileName} returns. */
export const WEIGHTS_FILE_PATTERN = /^weights-[0-9a-f]{16}\.bin$/;

/**
 * Creates a function that throws `InvalidDataError` "model manifest
 * SOURCE: field "FIELD" PROBLEM".
 */
export function manifestFailure(source: string): ManifestFailure {
  return (field, problem) => {
    throw new InvalidDataError(
      `model manifest ${source}: field "${field}" ${problem}`,
      { path: source },
    );
  };
}

/**
 * Concatenates arrays as little-endian values of their dtypes, the layout
 * of {@link ArtifactWeights}.
 */
export function encodeArrays(arrays: readonly ArtifactArray[]): Uint8Array {
  const total = arrays.reduce(
    (sum, a) => sum + a.values.length * BYTES_PER_ELEMENT[a.dtype],
    0,
  );
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const { values, dtype } of arrays) {
    for (let i = 0; i < values.length; i++) {
      if (dtype === 'float64') view.setFloat64(offset, values[i]!, true);
      else view.setFloat32(offset, values[i]!, true);
      offset += BYTES_PER_ELEMENT[dtype];
    }
  }
  return bytes;
}

/**
 * Splits a weights file into its arrays, by the specs of the manifest, as
 * `Float32Array` or `Float64Array` after their dtypes.
 *
 * @throws through `fail`, on field "weights.tensors", when the specs need
 * more or fewer bytes than `bytes` has.
 */
export function decodeArrays(
  specs: readonly ArtifactArraySpec[],
  bytes: Uint8Array,
  fail: ManifestFailure,
): Map<string, Float32Array | Float64Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const arrays = new Map<string, Float32Array | Float64Array>();
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const width = BYTES_PER_ELEMENT[spec.dtype];
    if (offset + width * size > bytes.byteLength) {
      fail(
        'weights.tensors',
        `(${spec.name}) needs more bytes than the weights file has`,
      );
    }
    const data =
      spec.dtype === 'float64'
        ? new Float64Array(size)
        : new Float32Array(size);
    for (let i = 0; i < size; i++) {
      data[i] =
        spec.dtype === 'float64'
          ? view.getFloat64(offset + width * i, true)
          : view.getFloat32(offset + width * i, true);
    }
    offset += width * size;
    arrays.set(spec.name, data);
  }
  if (offset !== bytes.byteLength) {
    fail(
      'weights.tensors',
      `covers ${offset} bytes, but the weights file has ${bytes.byteLength}`,
    );
  }
  return arrays;
}

/**
 * Builds the `weights` field for an encoded weights file: its checksum,
 * size and the file name derived from the checksum.
 */
export async function describeWeights(
  tensors: ArtifactArraySpec[],
  bytes: Uint8Array,
): Promise<ArtifactWeights> {
  const sha256 = await sha256Hex(bytes);
  return {
    file: weightsFileName(sha256),
    byteLength: bytes.byteLength,
    sha256,
    tensors,
  };
}

/**
 * Checks a weights file against the manifest's size and checksum.
 *
 * @param source Name used in error messages, such as the manifest's path.
 * @throws InvalidDataError naming the file, `source` and the field, for a
 * truncated or longer file or a checksum mismatch.
 */
export async function checkWeightsBytes(
  weights: Pick<ArtifactWeights, 'file' | 'byteLength' | 'sha256'>,
  bytes: Uint8Array,
  source: string,
): Promise<void> {
  const { file } = weights;
  if (bytes.byteLength !== weights.byteLength) {
    throw new InvalidDataError(
      `weights file ${file} of ${source} has ${bytes.byteLength} bytes, ` +
        `but field "weights.byteLength" says ${weights.byteLength}; ` +
        `the file is truncated or from another model`,
      { path: source },
    );
  }
  const actual = await sha256Hex(bytes);
  if (actual !== weights.sha256) {
    throw new InvalidDataError(
      `weights file ${file} of ${source} has SHA-256 ${actual}, but field ` +
        `"weights.sha256" says ${weights.sha256}; the file is ` +
        `corrupted or from another model`,
      { path: source },
    );
  }
}

/**
 * Checks the types of a manifest's `weights` field: a plain file name in
 * the same folder, a size, a checksum and array specs whose dtype is one
 * of `dtypes`.
 *
 * @throws through `fail`, naming the first invalid field.
 */
export function validateWeightsField(
  weights: Record<string, unknown>,
  fail: ManifestFailure,
  dtypes: readonly ArtifactDtype[] = ['float32', 'float64'],
): ArtifactWeights {
  const file = weights['file'];
  if (typeof file !== 'string' || !/^[\w.-]+$/.test(file)) {
    fail('weights.file', 'must be a plain file name in the same folder');
  }
  const byteLength = weights['byteLength'];
  if (!Number.isInteger(byteLength) || (byteLength as number) < 0) {
    fail(
      'weights.byteLength',
      `must be a non-negative integer, got ${JSON.stringify(byteLength)}`,
    );
  }
  if (
    typeof weights['sha256'] !== 'string' ||
    !/^[0-9a-f]{64}$/.test(weights['sha256'])
  ) {
    fail('weights.sha256', 'must be 64 lowercase hex digits');
  }
  const tensors = weights['tensors'];
  if (!Array.isArray(tensors)) fail('weights.tensors', 'must be a list');
  (tensors as unknown[]).forEach((spec, i) => {
    if (!isArraySpec(spec, dtypes)) {
      fail(
        `weights.tensors[${i}]`,
        `must have a name, dtype ${dtypes.map((d) => `"${d}"`).join(' or ')} ` +
          `and a shape of positive integers`,
      );
    }
  });
  return weights as unknown as ArtifactWeights;
}

function isArraySpec(
  value: unknown,
  dtypes: readonly ArtifactDtype[],
): boolean {
  const entry = value as Record<string, unknown> | null | undefined;
  const shape = entry?.['shape'];
  return (
    typeof entry?.['name'] === 'string' &&
    dtypes.includes(entry['dtype'] as ArtifactDtype) &&
    Array.isArray(shape) &&
    shape.every((d) => Number.isInteger(d) && d > 0)
  );
}
