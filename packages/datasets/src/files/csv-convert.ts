import { createReadStream, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';

import {
  countOf,
  FixclustError,
  InvalidDataError,
  InvalidParameterError,
} from '@fixclust/core';
import { CsvError, parse, type Parser } from 'csv-parse';

import { assertOptions, assertPath } from '../arguments.js';
import { fileError } from '../files.js';
import { encodeTextClassLabels } from './class-labels.js';
import {
  LINE_BREAKS,
  SAMPLE_LINES,
  assertNotUtf16,
  chooseDelimiter,
  notUtf8Error,
} from './csv-dialect.js';
import {
  CSV_OPTION_NAMES,
  checkCsvOptions,
  type CsvOptions,
} from './csv-options.js';
import {
  describeField,
  featureCellProblem,
  featureValue,
  looksLikeHeader,
} from './csv-cells.js';
import { NpyRowWriter } from './npy-writer.js';
import {
  countLineBreaks,
  locateFileEnd,
  locateFileField,
} from './file-position.js';
import { formatPosition, type TextPosition } from './text-position.js';

/** Shape, labels and names found by a CSV conversion. */
export interface CsvConversion {
  nSamples: number;
  nFeatures: number;
  /** Label of each sample, with a label column: 0 … C − 1. */
  labels?: Int32Array;
  /** Original class value of each label, in the order `parseCsv` uses. */
  classNames?: string[];
  /** Names of the feature columns, from a header row. */
  featureNames?: string[];
}

/** Bytes of a CSV file that a conversion has read, and the file's size. */
export interface CsvConversionProgress {
  readBytes: number;
  totalBytes: number;
}

/** Options of {@link convertCsvToNpy}: the CSV options and a progress callback. */
export interface CsvConversionOptions extends CsvOptions {
  /** Called as the file is read, once per chunk of up to 64 KiB. */
  onProgress?: ((progress: CsvConversionProgress) => void) | undefined;
}

/** Bytes read at a time from the file start to detect the delimiter. */
const SAMPLE_BYTES = 64 * 1024;
/**
 * Most bytes read from the file start to find the lines that `parseCsv`
 * detects the delimiter on.
 */
const MAX_SAMPLE_BYTES = 64 * 1024 * 1024;
/** Rows buffered before they are written to the NPY file. */
const WRITE_ROWS = 4096;

/**
 * Converts a CSV file of numbers to a float32 NPY file in one streaming
 * pass, so that neither the text nor the matrix is held in memory. Only
 * one label index per row (4 bytes) and the distinct class values are.
 *
 * Cells are read as {@link parseCsv} reads them: the same delimiter
 * detection (on the first 20 lines), header detection, label column,
 * decimal mark and checks, so the NPY file holds the `x` that `parseCsv`
 * returns and the result its labels, class names and feature names.
 * Errors give the place as `path:line:column`, as `parseCsv` does.
 *
 * @throws InvalidParameterError when a path is not a string, for unknown
 *   or invalid options, or a label column that is not in the file.
 * @throws InvalidDataError naming the file and line for an empty file, a
 *   row with another number of fields than the first, a cell that is not
 *   a finite float32 number, an empty label, or malformed quoting.
 */
export async function convertCsvToNpy(
  csvPath: string,
  npyPath: string,
  options: CsvConversionOptions = {},
): Promise<CsvConversion> {
  assertPath('csvPath', csvPath);
  assertPath('npyPath', npyPath);
  assertOptions(options, [...CSV_OPTION_NAMES, 'onProgress']);
  const checked = checkCsvOptions(options);
  const sample = await readSample(csvPath);
  const delimiter = chooseDelimiter(sample, csvPath, checked);

  const before = await statFile(csvPath);
  const rows = new CsvRowSink(csvPath, checked, delimiter);
  const input = createReadStream(csvPath);
  const onProgress = options.onProgress;
  if (onProgress !== undefined) {
    const totalBytes = (await stat(csvPath)).size;
    let readBytes = 0;
    input.on('data', (chunk) => {
      readBytes += chunk.length;
      onProgress({ readBytes, totalBytes });
    });
  }
  const { parser, read } = recordParser(
    input.pipe(utf8Check(csvPath)),
    delimiter,
    rows,
  );
  input.on('error', (error) => parser.destroy(error));
  try {
    for await (const _ of parser) await rows.drain(npyPath);
  } catch (error) {
    input.destroy();
    await rows.abandon();
    if (FixclustError.isInstance(error) || !(error instanceof CsvError)) {
      throw error;
    }
    throw quotingError(error, csvPath, delimiter, read.end);
  }
  const after = await statFile(csvPath);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
    await rows.abandon();
    throw new InvalidDataError(
      `CSV file ${csvPath} changed while it was read (its size or ` +
        `modification time differs); read it again once it is complete`,
      { path: csvPath },
    );
  }
  return rows.finish(npyPath);
}

/**
 * Byte range of a record in the file: from the end of the record before
 * it, its leading empty lines included, to the end of its line break. The
 * sink finds the place of a field from it for its messages.
 */
interface RecordBytes {
  start: number;
  end: number;
}

/**
 * Pipes `input` into a CSV parser that hands each record to `rows` as it
 * reads it, so a bad record is reported before a syntax error further on.
 * `read.end` is the byte at which the next record starts.
 */
function recordParser(
  input: Readable,
  delimiter: string,
  rows: CsvRowSink,
): { parser: Parser & AsyncIterable<string[]>; read: { end: number } } {
  const read = { end: 0 };
  const parser = parse({
    bom: true,
    delimiter,
    record_delimiter: LINE_BREAKS,
    relax_column_count: true,
    skip_empty_lines: true,
    // The context's `bytes` is the end of the record. The parser's `info`
    // option would build that context a second time for every record,
    // which doubled the time to convert a file of 1,000,000 short rows.
    on_record: (record: string[], context) => {
      const bytes = { start: read.end, end: context.bytes };
      rows.read(record, bytes);
      read.end = bytes.end;
      return record;
    },
  });
  input.on('error', (error) => parser.destroy(error));
  return {
    parser: input.pipe(parser) as Parser & AsyncIterable<string[]>,
    read,
  };
}

/**
 * Wraps a csv-parse syntax error, such as an unclosed quote, placing it
 * at the start of the field in which the parser stopped.
 */
function quotingError(
  error: CsvError,
  path: string,
  delimiter: string,
  start: number,
): InvalidDataError {
  const field = typeof error['column'] === 'number' ? error['column'] : 0;
  // The parser's byte count can stop short of the field it names.
  const position = locateFileField(path, start, Infinity, field, delimiter);
  return new InvalidDataError(
    `${placeIn(path, position)}: ${path} has malformed quoting ` +
      `(${error.message}); a quoted field must start and end with ", and ` +
      `a " inside it must be doubled`,
    { cause: error, path },
  );
}

/**
 * Reads the start of the file as text.
 *
 * @throws InvalidDataError naming the file when it is missing, empty,
 *   UTF-16 or not UTF-8.
 */
async function readSample(path: string): Promise<string> {
  let bytes: Buffer;
  let complete = false;
  try {
    const handle = await open(path, 'r');
    try {
      const chunks: Buffer[] = [];
      let total = 0;
      let lineBreaks = 0;
      // Reads on until the sample has the 20 lines that parseCsv samples.
      while (total < MAX_SAMPLE_BYTES && lineBreaks <= SAMPLE_LINES) {
        const buffer = Buffer.alloc(SAMPLE_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, total);
        if (bytesRead === 0) {
          complete = true;
          break;
        }
        const chunk = buffer.subarray(0, bytesRead);
        lineBreaks += countLineBreaks(chunk, chunks.at(-1)?.at(-1));
        chunks.push(chunk);
        total += bytesRead;
      }
      bytes = Buffer.concat(chunks);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fileError(error, path, 'CSV file');
  }

  assertNotUtf16(bytes, path);
  let text: string;
  try {
    // `stream` keeps a character cut by the end of the sample from failing.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, {
      stream: true,
    });
  } catch (error) {
    throw notUtf8Error(path, error);
  }
  if (complete && text.trim() === '') {
    throw new InvalidDataError(
      `${path}:1:1: ${path} is empty; expected rows of numbers separated ` +
        `by a delimiter such as a comma`,
      { path },
    );
  }
  return text;
}

/**
 * Passes the file's bytes on unchanged, failing at the first chunk that
 * is not UTF-8, so that no record of it reaches the parser.
 */
function utf8Check(path: string): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch (error) {
        done(notUtf8Error(path, error));
        return;
      }
      done(null, chunk);
    },
    flush(done) {
      try {
        decoder.decode();
      } catch (error) {
        done(notUtf8Error(path, error));
        return;
      }
      done();
    },
  });
}

async function statFile(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    throw fileError(error, path, 'CSV file');
  }
}

/**
 * Formats a place for a message: `path:line:column`, or the path alone
 * when the file could not be read again to find the place.
 */
function placeIn(path: string, position: TextPosition | undefined): string {
  return position === undefined ? path : formatPosition(path, position);
}

/** Column layout fixed by the first record. */
interface Columns {
  nColumns: number;
  labelIndex: number | undefined;
  names: string[] | undefined;
  nFeatures: number;
}

/**
 * Turns records into float32 rows written to an NPY file, and label cells
 * into first-seen class indices.
 */
class CsvRowSink {
  private columns: Columns | undefined;
  private writer: NpyRowWriter | undefined;
  private buffer = new Float32Array(0);
  private buffered = 0;
  private nRows = 0;
  private firstLine = 0;
  /** The record being read, or the last one read. */
  private current: RecordBytes = { start: 0, end: 0 };
  private labelIndices = new Int32Array(1024);
  private readonly classes = new Map<string, number>();

  constructor(
    private readonly path: string,
    private readonly options: ReturnType<typeof checkCsvOptions>,
    private readonly delimiter: string,
  ) {}

  /**
   * Checks a record and keeps its values until {@link drain} writes them.
   * Runs as the parser reads each record, so a bad record is reported
   * before a syntax error further on.
   */
  read(record: string[], bytes: RecordBytes): void {
    this.current = bytes;
    const cells = record.map((cell) => cell.trim());
    if (this.columns === undefined) {
      this.columns = this.readLayout(cells);
      this.firstLine = this.locate(0)?.line ?? 1;
      this.buffer = new Float32Array(WRITE_ROWS * this.columns.nFeatures);
      if (this.columns.names !== undefined) return;
    }
    this.readRow(this.columns, cells);
  }

  /** Writes the values read so far once they fill a block of rows. */
  async drain(npyPath: string): Promise<void> {
    const columns = this.columns;
    if (columns === undefined) return;
    this.writer ??= await NpyRowWriter.create(npyPath, columns.nFeatures);
    if (this.buffered >= WRITE_ROWS * columns.nFeatures) await this.flush();
  }

  /**
   * Writes the rest of the rows and returns what the file held.
   *
   * @param npyPath - The NPY file the rows go to.
   * @throws InvalidDataError when the file has no data rows.
   */
  async finish(npyPath: string): Promise<CsvConversion> {
    const columns = this.columns;
    if (columns === undefined || this.nRows === 0) {
      await this.abandon();
      const problem =
        columns === undefined
          ? 'contains no data rows'
          : 'contains a header row but no data rows';
      const end = placeIn(this.path, locateFileEnd(this.path));
      throw new InvalidDataError(`${end}: ${this.path} ${problem}`, {
        path: this.path,
      });
    }
    await this.drain(npyPath);
    await this.flush();
    await this.writer!.close();

    const result: CsvConversion = {
      nSamples: this.nRows,
      nFeatures: columns.nFeatures,
    };
    if (columns.labelIndex !== undefined) Object.assign(result, this.labels());
    if (columns.names !== undefined) {
      result.featureNames = columns.names.filter(
        (_, i) => i !== columns.labelIndex,
      );
    }
    return result;
  }

  /** Closes the NPY file after a failure; the caller removes it. */
  async abandon(): Promise<void> {
    const writer = this.writer;
    this.writer = undefined;
    await writer?.close().catch(() => undefined);
  }

  private async flush(): Promise<void> {
    await this.writer!.append(this.buffer.subarray(0, this.buffered));
    this.buffered = 0;
  }

  /** Finds the start of field `field` of the current record in the file. */
  private locate(field: number): TextPosition | undefined {
    const { start, end } = this.current;
    return locateFileField(this.path, start, end, field, this.delimiter);
  }

  /** `path:line:column` of field `field` of the current record. */
  private place(field: number): string {
    return placeIn(this.path, this.locate(field));
  }

  private readLayout(cells: string[]): Columns {
    const { header, labelColumn, decimalSeparator } = this.options;
    let labelIndex: number | undefined;
    if (typeof labelColumn === 'number') {
      if (labelColumn > cells.length) {
        throw new InvalidParameterError(
          'labelColumn',
          labelColumn,
          `${this.place(cells.length)}: label column ${labelColumn} does not ` +
            `exist: the first row of ${this.path} has ${cells.length} ` +
            `fields; pass an index from 1 to ${cells.length} or a header name`,
        );
      }
      labelIndex = labelColumn - 1;
    }
    const hasHeader =
      header === true ||
      (header === 'auto' &&
        (typeof labelColumn === 'string' ||
          looksLikeHeader(cells, labelIndex, decimalSeparator)));
    if (typeof labelColumn === 'string') {
      labelIndex = this.findLabelName(labelColumn, cells);
    }

    const nFeatures = cells.length - (labelIndex === undefined ? 0 : 1);
    if (nFeatures === 0) {
      throw new InvalidDataError(
        `${this.place(0)}: ${this.path} has no feature column besides ` +
          `the label column; pass a file with at least one numeric column`,
        { path: this.path },
      );
    }
    const names = hasHeader ? cells : undefined;
    return { nColumns: cells.length, labelIndex, names, nFeatures };
  }

  private findLabelName(name: string, cells: string[]): number {
    const wanted = name.trim();
    const matches = cells.flatMap((cell, i) => (cell === wanted ? [i] : []));
    if (matches.length === 1) return matches[0]!;
    const problem =
      matches.length === 0
        ? `is not in the header, whose columns are ` +
          `${cells.map((cell) => JSON.stringify(cell)).join(', ')}; pass ` +
          `one of these names or a 1-based column index`
        : `matches fields ${matches.map((i) => i + 1).join(' and ')} of ` +
          `the header; pass the 1-based index of one of them`;
    throw new InvalidParameterError(
      'labelColumn',
      name,
      `${this.place(0)}: label column ${JSON.stringify(name)} ${problem}`,
    );
  }

  private readRow(columns: Columns, cells: string[]): void {
    if (cells.length !== columns.nColumns) {
      const field = Math.min(cells.length, columns.nColumns);
      throw new InvalidDataError(
        `${this.place(field)}: this row has ${countOf(cells.length, 'field')}, but ` +
          `the first row (line ${this.firstLine}) has ${columns.nColumns}; ` +
          `every row of ${this.path} needs the same number of fields`,
        { path: this.path },
      );
    }
    if (this.buffered + columns.nFeatures > this.buffer.length) {
      // The parser reads a whole chunk of the file before the loop that
      // drains the buffer runs again.
      const grown = new Float32Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      if (i === columns.labelIndex) {
        this.addLabel(cell, i);
      } else {
        this.buffer[this.buffered++] = this.parseCell(cell, i);
      }
    }
    this.nRows++;
  }

  private parseCell(cell: string, field: number): number {
    const { decimalSeparator, header } = this.options;
    const value = featureValue(cell, decimalSeparator);
    if (value !== undefined) return value;
    const columns = this.columns!;
    const mayBeHeader =
      this.nRows === 0 && columns.names === undefined && header === 'auto';
    const problem = featureCellProblem(cell, { decimalSeparator, mayBeHeader });
    const name = describeField(field, columns.names, columns.labelIndex);
    throw new InvalidDataError(`${this.place(field)}: ${name} ${problem}`, {
      path: this.path,
    });
  }

  private addLabel(cell: string, field: number): void {
    if (cell === '') {
      const columns = this.columns!;
      const name = describeField(field, columns.names, columns.labelIndex);
      throw new InvalidDataError(
        `${this.place(field)}: ${name} is empty, but every row needs a ` +
          `class value in the label column`,
        { path: this.path },
      );
    }
    let index = this.classes.get(cell);
    if (index === undefined) {
      index = this.classes.size;
      this.classes.set(cell, index);
    }
    if (this.nRows === this.labelIndices.length) {
      const grown = new Int32Array(this.labelIndices.length * 2);
      grown.set(this.labelIndices);
      this.labelIndices = grown;
    }
    this.labelIndices[this.nRows] = index;
  }

  /** Renumbers first-seen class indices in the class order of parseCsv. */
  private labels(): Pick<CsvConversion, 'labels' | 'classNames'> {
    const firstSeen = [...this.classes.keys()];
    const { labels: order, classNames } = encodeTextClassLabels(firstSeen);
    const labels = this.labelIndices.slice(0, this.nRows);
    for (let i = 0; i < labels.length; i++) labels[i] = order[labels[i]!]!;
    return { labels, classNames };
  }
}
