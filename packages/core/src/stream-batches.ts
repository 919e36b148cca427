import type { Random } from './random.js';
import { DEFAULT_BLOCKS_PER_SHUFFLE, type StreamingDataset } from './stream.js';
import { assertIntegerInRange } from './validate.js';

/** Row order settings of {@link streamBatches}. */
export interface StreamOrderOptions {
  /** Rows per block read. Default: the data set's `blockSize`. */
  blockSize?: number | undefined;
  /**
   * Consecutive blocks of the shuffled block order whose rows are shuffled
   * together. Memory grows with `blockSize × blocksPerShuffle` rows.
   * Default: {@link DEFAULT_BLOCKS_PER_SHUFFLE}.
   */
  blocksPerShuffle?: number | undefined;
  /**
   * Generator of the shuffle. Default: none, so rows come in file order.
   */
  random?: Random | undefined;
}

/** Options of {@link streamBatches}. */
export interface StreamBatchOptions extends StreamOrderOptions {
  /** Rows per batch; the last batch of an epoch may have fewer. Required. */
  batchSize: number;
}

/** A batch of rows read from a {@link StreamingDataset}. */
export interface StreamBatch {
  /** `nRows × nFeatures` values, row-major, in a new array per batch. */
  x: Float32Array;
  nRows: number;
}

/** Rows of one shuffle group, in the order an epoch visits them. */
export interface ShuffleGroup {
  /** Blocks of the group, as indices of `blockSize`-row blocks. */
  blocks: number[];
  /** Row indices of the data set, in visiting order. */
  rows: Int32Array;
}

/**
 * Yields the shuffle groups of one epoch: the block indices in an order
 * that `random` permutes, cut into groups of `blocksPerShuffle`
 * consecutive blocks, and the rows of each group in an order that `random`
 * permutes again. Every row appears exactly once over the epoch, and each
 * group's row indices are built only when it is requested.
 *
 * Without `random`, blocks and rows keep their order. With one group that
 * covers every row, the order is `random.permutation(nSamples)`, drawn
 * after an empty permutation of the blocks, so it equals the shuffle of an
 * in-memory epoch with the same generator.
 *
 * @throws InvalidParameterError when a size is not a positive integer.
 */
export function* shuffleGroups(
  nSamples: number,
  blockSize: number,
  blocksPerShuffle: number,
  random?: Random,
): Generator<ShuffleGroup> {
  assertIntegerInRange('nSamples', nSamples, 1);
  assertIntegerInRange('blockSize', blockSize, 1);
  assertIntegerInRange('blocksPerShuffle', blocksPerShuffle, 1);
  const nBlocks = Math.ceil(nSamples / blockSize);
  const blockOrder = random?.permutation(nBlocks) ?? identity(nBlocks);

  for (let first = 0; first < nBlocks; first += blocksPerShuffle) {
    const end = Math.min(first + blocksPerShuffle, nBlocks);
    const blocks = Array.from(blockOrder.subarray(first, end));
    const rows = groupRows(blocks, blockSize, nSamples);
    if (random !== undefined) random.shuffle(rows);
    yield { blocks, rows };
  }
}

/**
 * Returns the whole row order of one epoch of {@link shuffleGroups}, for
 * checks and small data: it contains one index per row.
 */
export function blockRowPermutation(
  nSamples: number,
  blockSize: number,
  blocksPerShuffle: number,
  random?: Random,
): Int32Array {
  const order = new Int32Array(nSamples);
  let filled = 0;
  for (const group of shuffleGroups(
    nSamples,
    blockSize,
    blocksPerShuffle,
    random,
  )) {
    order.set(group.rows, filled);
    filled += group.rows.length;
  }
  return order;
}

/**
 * Reads one epoch of `dataset` in batches of `batchSize` rows, in the
 * order of {@link shuffleGroups}. Every batch but the last has exactly
 * `batchSize` rows, because a batch may span two shuffle groups. The next
 * group is read while the current one's batches are used, so at most two
 * groups of rows are in memory.
 *
 * @throws InvalidParameterError when `batchSize`, `blockSize` or
 *   `blocksPerShuffle` is not a positive integer.
 * @throws InvalidDataError for any problem the data set's reads report.
 */
export async function* streamBatches(
  dataset: StreamingDataset,
  options: StreamBatchOptions,
): AsyncGenerator<StreamBatch> {
  const { batchSize } = options;
  assertIntegerInRange('batchSize', batchSize, 1);
  const width = dataset.nFeatures;
  let batch = new Float32Array(batchSize * width);
  let filled = 0;

  for await (const group of readShuffleGroups(dataset, options)) {
    for (let i = 0; i < group.nRows; i++) {
      const row = group.order[i]!;
      batch.set(group.x.subarray(row * width, (row + 1) * width), filled);
      filled += width;
      if (filled === batch.length) {
        yield { x: batch, nRows: batchSize };
        batch = new Float32Array(batchSize * width);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield { x: batch.slice(0, filled), nRows: filled / width };
}

/** A block of consecutive rows read from a {@link StreamingDataset}. */
export interface StreamBlock {
  /** Index of the block's first row. */
  start: number;
  nRows: number;
  /** `nRows × nFeatures` values, row-major. */
  x: Float32Array;
}

/**
 * Reads `dataset` once in file order, in blocks of `blockSize` rows (by
 * default the data set's own). Each block is a new array.
 *
 * @throws InvalidParameterError when `blockSize` is not a positive integer.
 * @throws InvalidDataError for any problem the data set's reads report.
 */
export async function* streamBlocks(
  dataset: StreamingDataset,
  blockSize: number = dataset.blockSize,
): AsyncGenerator<StreamBlock> {
  assertIntegerInRange('blockSize', blockSize, 1);
  const { nSamples } = dataset;
  for (let start = 0; start < nSamples; start += blockSize) {
    const nRows = Math.min(blockSize, nSamples - start);
    yield { start, nRows, x: await dataset.readRows(start, nRows) };
  }
}

/** The rows of one shuffle group, read, with their visiting order. */
interface ReadGroup {
  x: Float32Array;
  nRows: number;
  /** Positions in `x`, by row, in visiting order. */
  order: Int32Array;
}

/**
 * Reads the shuffle groups of one epoch, each one's read starting while
 * the previous one is used.
 */
async function* readShuffleGroups(
  dataset: StreamingDataset,
  options: StreamOrderOptions,
): AsyncGenerator<ReadGroup> {
  const groups = shuffleGroups(
    dataset.nSamples,
    options.blockSize ?? dataset.blockSize,
    options.blocksPerShuffle ?? DEFAULT_BLOCKS_PER_SHUFFLE,
    options.random,
  );
  // Two arrays take turns: one contains the group in use while the next
  // group is read into the other, so an epoch allocates no others.
  const buffers: (Float32Array | undefined)[] = [undefined, undefined];
  // Set when the consumer stops, so the group being read ahead reads no
  // further block.
  const reading = { stopped: false };
  let turn = 0;
  let next = readNextGroup(dataset, groups, options, buffers, turn, reading);
  try {
    while (true) {
      const current = await next;
      if (current === undefined) return;
      turn = 1 - turn;
      next = readNextGroup(dataset, groups, options, buffers, turn, reading);
      // A consumer that stops early never awaits `next`; marking its
      // failure as handled keeps it from becoming an unhandled rejection.
      next.catch(() => undefined);
      yield current;
    }
  } finally {
    reading.stopped = true;
  }
}

/**
 * Reads the blocks of the next group into `buffers[turn]`, replacing it
 * when it is too small, and maps the group's rows into them. Returns
 * undefined at the end of the epoch, or once `reading.stopped` is set.
 */
async function readNextGroup(
  dataset: StreamingDataset,
  groups: Generator<ShuffleGroup>,
  options: StreamOrderOptions,
  buffers: (Float32Array | undefined)[],
  turn: number,
  reading: { stopped: boolean },
): Promise<ReadGroup | undefined> {
  const step = groups.next();
  if (step.done === true) return undefined;
  const { blocks, rows } = step.value;
  const blockSize = options.blockSize ?? dataset.blockSize;
  const width = dataset.nFeatures;

  const needed = rows.length * width;
  let buffer = buffers[turn];
  if (buffer === undefined || buffer.length < needed) {
    buffer = new Float32Array(needed);
    buffers[turn] = buffer;
  }
  const x = buffer.subarray(0, needed);
  const offsets = new Map<number, number>();
  let filled = 0;
  for (const block of blocks) {
    if (reading.stopped) return undefined;
    const start = block * blockSize;
    const count = Math.min(blockSize, dataset.nSamples - start);
    await dataset.readRows(start, count, x.subarray(filled * width));
    offsets.set(block, filled - start);
    filled += count;
  }

  const order = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    order[i] = row + offsets.get(Math.floor(row / blockSize))!;
  }
  return { x, nRows: rows.length, order };
}

function identity(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Lists the rows of `blocks`, in block order. */
function groupRows(
  blocks: readonly number[],
  blockSize: number,
  nSamples: number,
): Int32Array {
  let total = 0;
  for (const block of blocks) {
    total += Math.min(blockSize, nSamples - block * blockSize);
  }
  const rows = new Int32Array(total);
  let filled = 0;
  for (const block of blocks) {
    const end = Math.min((block + 1) * blockSize, nSamples);
    for (let row = block * blockSize; row < end; row++) rows[filled++] = row;
  }
  return rows;
}
