import { InvalidDataError, InvalidParameterError } from './errors.js';
import { assertDenseMatrix, assertIntegerInRange } from './validate.js';

/**
 * Rows per block that a streaming data set reads at a time, unless it or
 * the caller chooses another size: 4096 rows of 50 float32 features are
 * 800 KiB.
 */
export const DEFAULT_BLOCK_ROWS = 4096;

/**
 * Blocks whose rows an epoch shuffles together, unless the caller chooses
 * another count. Rows of different blocks mix only inside such a group, so
 * a file sorted by class still gives batches of mixed classes once a group
 * spans several classes.
 */
export const DEFAULT_BLOCKS_PER_SHUFFLE = 16;

/**
 * A data set read in blocks of consecutive rows, such as a file larger than
 * memory. Rows are dense float32 features, row-major.
 *
 * Implementations check the values of every block they read, so a
 * non-finite value fails the read that meets it rather than a check before
 * training.
 */
export interface StreamingDataset {
  /** Short name, such as the file's base name. */
  readonly name: string;
  readonly nSamples: number;
  readonly nFeatures: number;
  /** Shape of one sample before flattening, such as [28, 28]. */
  readonly sampleShape?: readonly number[] | undefined;
  /** Class of each sample, when known: 0 … nClasses − 1. */
  readonly labels?: Int32Array | undefined;
  /** Number of distinct classes, when labels are known. */
  readonly nClasses?: number | undefined;
  /** Rows per block that reads of this data set work best with. */
  readonly blockSize: number;

  /**
   * Reads rows `start` … `start + count − 1` into `into` (a new array when
   * it is absent), row-major, and returns the filled values.
   *
   * @throws InvalidParameterError when the rows are out of range or `into`
   *   has fewer than `count × nFeatures` values.
   * @throws InvalidDataError when a value read is not finite, naming its
   *   row and column, or when the source fails.
   */
  readRows(
    start: number,
    count: number,
    into?: Float32Array,
  ): Promise<Float32Array>;

  /** Releases what the data set holds open, such as a file handle. */
  close(): Promise<void>;
}

/** Tells whether `value` is a {@link StreamingDataset}. */
export function isStreamingDataset(value: unknown): value is StreamingDataset {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<StreamingDataset>;
  return (
    typeof candidate.readRows === 'function' &&
    typeof candidate.nSamples === 'number' &&
    typeof candidate.nFeatures === 'number'
  );
}

/**
 * Checks that rows `start` … `start + count − 1` exist in a data set of
 * `nSamples` rows and that `into`, when given, can contain them.
 *
 * @throws InvalidParameterError naming the value out of range.
 */
export function assertRowRange(
  dataset: Pick<StreamingDataset, 'nSamples' | 'nFeatures'>,
  start: number,
  count: number,
  into?: Float32Array,
): void {
  const { nSamples } = dataset;
  assertIntegerInRange('start', start, 0, nSamples - 1);
  assertIntegerInRange(
    'count',
    count,
    1,
    nSamples - start,
    `the rows left after start ${start} (${nSamples - start})`,
  );
  const needed = count * dataset.nFeatures;
  if (into !== undefined && into.length < needed) {
    throw new InvalidParameterError(
      'into',
      into.length,
      `into has ${into.length} values, but ${count} rows of ` +
        `${dataset.nFeatures} features need ${needed}; pass a larger array`,
    );
  }
}

/**
 * Checks that every value of a block is finite.
 *
 * @param firstRow - Row of the data set where the block starts, for the
 *   message.
 * @param source - What the rows came from, such as `NPY file x.npy`.
 * @param path - File the rows came from, stored in the error.
 * @throws InvalidDataError naming the row and column of the first
 *   non-finite value.
 */
export function assertFiniteRows(
  values: Float32Array,
  nFeatures: number,
  firstRow: number,
  source: string,
  path?: string,
): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) continue;
    const row = firstRow + Math.floor(i / nFeatures);
    const column = i % nFeatures;
    throw new InvalidDataError(
      `${source} contains ${values[i]} at row ${row}, column ${column}; ` +
        `remove or impute non-finite values before clustering`,
      { path },
    );
  }
}

/** Data for {@link arrayStream}: a dense matrix and optional labels. */
export interface ArrayStreamSource {
  x: Float32Array;
  nSamples: number;
  nFeatures: number;
  /** Default: `array`. */
  name?: string | undefined;
  labels?: Int32Array | undefined;
  nClasses?: number | undefined;
  sampleShape?: readonly number[] | undefined;
}

/**
 * Wraps a matrix held in memory as a {@link StreamingDataset}, for tests
 * and for code that takes either kind of data. Reads copy rows, so callers
 * may change what they get.
 *
 * @param blockSize - Rows per block. Default: {@link DEFAULT_BLOCK_ROWS}.
 * @throws InvalidDataError for `x` that is not a Float32Array, empty or
 *   non-finite data, or labels that are not one per sample.
 * @throws InvalidParameterError when `source` is not an object
 *   `{ x, nSamples, nFeatures }` with integer sizes, or `blockSize` is not
 *   a positive integer.
 */
export function arrayStream(
  source: ArrayStreamSource,
  blockSize: number = DEFAULT_BLOCK_ROWS,
): StreamingDataset {
  assertDenseMatrix(source, 'source');
  const { x, nSamples, nFeatures, labels } = source;
  assertIntegerInRange('blockSize', blockSize, 1);
  if (labels !== undefined && labels.length !== nSamples) {
    throw new InvalidDataError(
      `labels has ${labels.length} values for ${nSamples} samples; pass ` +
        `one label per sample`,
    );
  }

  const dataset: StreamingDataset = {
    name: source.name ?? 'array',
    nSamples,
    nFeatures,
    sampleShape: source.sampleShape,
    labels,
    nClasses: source.nClasses,
    blockSize,
    readRows: async (start, count, into) => {
      assertRowRange(dataset, start, count, into);
      const rows = x.subarray(start * nFeatures, (start + count) * nFeatures);
      if (into === undefined) return rows.slice();
      into.set(rows);
      return into.subarray(0, rows.length);
    },
    close: () => Promise.resolve(),
  };
  return dataset;
}
