import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  InvalidDataError,
  InvalidParameterError,
  assertValidDataset,
} from '@fixclust/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  catchError,
  createTempDirectory,
  removeTempDirectory,
} from '../test-fixtures.js';
import type { CsvOptions } from './csv-options.js';
import { loadCsv, parseCsv } from './csv.js';

const ROWS = [
  ['1', '2', 'a'],
  ['3', '4', 'a'],
  ['5', '6', 'b'],
  ['7', '8', 'b'],
];

function table(delimiter: string, header = true, newline = '\n'): string {
  const rows = header ? [['f1', 'f2', 'label'], ...ROWS] : ROWS;
  return rows.map((row) => row.join(delimiter) + newline).join('');
}

function csvError(text: string, options: CsvOptions = {}): Error {
  try {
    parseCsv(text, 'data.csv', options);
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('parseCsv threw no error');
}

describe('parseCsv', () => {
  const delimiters = [
    ['comma', ','],
    ['semicolon', ';'],
    ['tab', '\t'],
  ];

  it.each(delimiters)('reads a %s file', (_, delimiter) => {
    for (const labelColumn of ['label', ' label ', 3]) {
      const dataset = parseCsv(table(delimiter ?? ''), 'points.csv', {
        labelColumn,
      });
      assertValidDataset(dataset);
      expect(dataset.name).toBe('points');
      expect(dataset.nSamples).toBe(4);
      expect(dataset.nFeatures).toBe(2);
      expect(Array.from(dataset.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(Array.from(dataset.labels ?? [])).toEqual([0, 0, 1, 1]);
      expect(dataset.classNames).toEqual(['a', 'b']);
      expect(dataset.nClasses).toBe(2);
      expect(dataset.featureNames).toEqual(['f1', 'f2']);
    }
  });

  it.each(delimiters)('reads a %s file without header', (_, delimiter) => {
    const dataset = parseCsv(table(delimiter ?? '', false), 'points.csv', {
      labelColumn: 3,
    });
    expect(dataset.nSamples).toBe(4);
    expect(Array.from(dataset.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(dataset.labels ?? [])).toEqual([0, 0, 1, 1]);
    expect(dataset.classNames).toEqual(['a', 'b']);
    expect(dataset.featureNames).toBeUndefined();
  });

  it('takes the label column from anywhere', () => {
    const dataset = parseCsv('y,x\nb,1\na,2\n', 'a.csv', { labelColumn: 1 });
    expect(Array.from(dataset.x)).toEqual([1, 2]);
    expect(Array.from(dataset.labels ?? [])).toEqual([1, 0]);
    expect(dataset.featureNames).toEqual(['x']);
  });

  it('reads a file without labels', () => {
    const dataset = parseCsv('1.5,-2e3\n.5,+4\n', 'a.csv');
    expect(dataset.nSamples).toBe(2);
    expect(Array.from(dataset.x)).toEqual([1.5, -2000, 0.5, 4]);
    expect(dataset.labels).toBeUndefined();
    expect(dataset.classNames).toBeUndefined();
    expect(dataset.nClasses).toBeUndefined();
  });

  it('detects a header row', () => {
    expect(parseCsv('a,b\n1,2\n', 'a.csv').nSamples).toBe(1);
    expect(parseCsv('a,b\n1,2\n', 'a.csv').featureNames).toEqual(['a', 'b']);
    expect(parseCsv('1,2\n3,4\n', 'a.csv').nSamples).toBe(2);
    expect(parseCsv('1,2\n3,4\n', 'a.csv').featureNames).toBeUndefined();
    expect(csvError('NaN,b\n1,2\n').message).toMatch(
      /^data\.csv:1:1: field 1 contains "NaN", a non-finite value/,
    );
  });

  it('detects a header ignoring the label column', () => {
    const numericLabel = parseCsv('f1,f2,7\n1,2,7\n', 'a.csv', {
      labelColumn: 3,
    });
    expect(numericLabel.nSamples).toBe(1);
    const dataFirst = parseCsv('1,2,x\n3,4,y\n', 'a.csv', { labelColumn: 3 });
    expect(dataFirst.nSamples).toBe(2);
  });

  it('detects a header with an empty name', () => {
    const dataset = parseCsv(',f1\n0,1.5\n1,2.5\n', 'a.csv');
    expect(dataset.nSamples).toBe(2);
    expect(dataset.featureNames).toEqual(['', 'f1']);
    expect(Array.from(dataset.x)).toEqual([0, 1.5, 1, 2.5]);
  });

  it('follows an explicit header option', () => {
    const numericHeader = parseCsv('1,2\n3,4\n', 'a.csv', { header: true });
    expect(numericHeader.nSamples).toBe(1);
    expect(numericHeader.featureNames).toEqual(['1', '2']);

    const error = csvError('a,b\n1,2\n', { header: false });
    expect(error.message).toBe(
      'data.csv:1:1: field 1 contains "a", which is not a number; every ' +
        'column except the label column must be numeric',
    );
  });

  it('hints at a header the detection missed', () => {
    expect(csvError('id,2020\n1,2\n').message).toBe(
      'data.csv:1:1: field 1 contains "id", which is not a number; every ' +
        'column except the label column must be numeric; if this row is a ' +
        'header, pass header: true',
    );
  });

  it('reads quoted fields', () => {
    const text =
      'x,"class, name"\n1,"b, c"\n2,"say ""hi"""\n3,"two\nlines"\n"4",a\n';
    const dataset = parseCsv(text, 'a.csv', { labelColumn: 'class, name' });
    expect(Array.from(dataset.x)).toEqual([1, 2, 3, 4]);
    expect(dataset.classNames).toEqual(['a', 'b, c', 'say "hi"', 'two\nlines']);
    expect(Array.from(dataset.labels ?? [])).toEqual([1, 2, 3, 0]);
  });

  it('trims cells and skips empty lines', () => {
    const text = '\n f1 , f2 ,label\r\n\r\n 1 , 2 , a \r\n3,4,b\r\n\r\n';
    const dataset = parseCsv(text, 'a.csv', { labelColumn: 'label' });
    expect(dataset.featureNames).toEqual(['f1', 'f2']);
    expect(Array.from(dataset.x)).toEqual([1, 2, 3, 4]);
    expect(dataset.classNames).toEqual(['a', 'b']);
  });

  it('reads a single column', () => {
    const dataset = parseCsv('x\n1\n2\n', 'a.csv');
    expect(dataset.nFeatures).toBe(1);
    expect(Array.from(dataset.x)).toEqual([1, 2]);
  });

  it('reads a single row without a line break', () => {
    const dataset = parseCsv('1;2;3', 'a.csv');
    expect(dataset.nSamples).toBe(1);
    expect(Array.from(dataset.x)).toEqual([1, 2, 3]);
  });

  it('sorts numeric class values numerically', () => {
    const dataset = parseCsv('1,10\n2,9\n3,10\n4,2\n', 'a.csv', {
      labelColumn: 2,
    });
    expect(dataset.classNames).toEqual(['2', '9', '10']);
    expect(Array.from(dataset.labels ?? [])).toEqual([2, 1, 2, 0]);
  });

  it('reads decimal commas', () => {
    const text = 'a;b\n1,5;-2,25\n3;4e1\n';
    const dataset = parseCsv(text, 'a.csv', { decimalSeparator: ',' });
    expect(Array.from(dataset.x)).toEqual([1.5, -2.25, 3, 40]);

    const noHeader = parseCsv('1,5;2,5\n3,5;4\n', 'a.csv', {
      decimalSeparator: ',',
    });
    expect(Array.from(noHeader.x)).toEqual([1.5, 2.5, 3.5, 4]);
  });

  it('uses a given delimiter', () => {
    const dataset = parseCsv('1|2\n3|4\n', 'a.csv', { delimiter: '|' });
    expect(Array.from(dataset.x)).toEqual([1, 2, 3, 4]);
  });

  it('rejects a non-numeric cell', () => {
    const error = csvError('f1,f2\n1,2\n3,abc\n');
    expect(error).toBeInstanceOf(InvalidDataError);
    expect((error as InvalidDataError).path).toBe('data.csv');
    expect(error.message).toBe(
      'data.csv:3:3: field 2 ("f2") contains "abc", which is not a number; ' +
        'every column except the label column must be numeric',
    );
  });

  it('counts columns in characters', () => {
    const text = 'é,😀\tb,c\n1,2,3\n4,\t5,zz\n';
    expect(csvError(text, { delimiter: ',' }).message).toMatch(
      /^data\.csv:3:6: field 3 \("c"\) contains "zz"/,
    );
  });

  it('locates cells after multi-line fields', () => {
    const text = 'x,y\n"1\n\n2",3\n\n4,x\n';
    expect(csvError(text, { labelColumn: 1 }).message).toMatch(
      /^data\.csv:6:3: field 2 \("y"\) contains "x"/,
    );
    expect(csvError('a,b\r\n1,2\n3,"4\r\n"\r\n5,6,7').message).toMatch(
      /^data\.csv:5:5: this row has 3 fields/,
    );
    expect(csvError('x,y\n1,"a\nb"\n').message).toMatch(
      /^data\.csv:2:3: field 2 \("y"\) contains "a\\nb"/,
    );
  });

  it('rejects a ragged row', () => {
    const fewer = csvError('f1,f2\n1,2\n\n3\n');
    expect(fewer).toBeInstanceOf(InvalidDataError);
    expect(fewer.message).toBe(
      'data.csv:4:2: this row has 1 field, but the first row (line 1) has ' +
        '2; every row of data.csv needs the same number of fields',
    );
    expect(csvError('\n1,2\n3,4,5\n').message).toBe(
      'data.csv:3:5: this row has 3 fields, but the first row (line 2) has ' +
        '2; every row of data.csv needs the same number of fields',
    );
  });

  it('rejects an empty file', () => {
    for (const text of ['', '\n', ' \r\n\t\n']) {
      const error = csvError(text);
      expect(error).toBeInstanceOf(InvalidDataError);
      expect(error.message).toBe(
        'data.csv:1:1: data.csv is empty; expected rows of numbers ' +
          'separated by a delimiter such as a comma',
      );
    }
  });

  it('rejects a header-only file', () => {
    const error = csvError('f1,f2,label\n');
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe(
      'data.csv:2:1: data.csv contains a header row but no data rows',
    );
    expect(csvError('f1,f2', { header: true }).message).toBe(
      'data.csv:1:6: data.csv contains a header row but no data rows',
    );
  });

  it('rejects a wrong delimiter', () => {
    const error = csvError(table(';'), { delimiter: ',' });
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe(
      'data.csv:1:3: every line of data.csv parses to a single column with ' +
        "delimiter ',', but each line contains ';'; pass delimiter: \";\" " +
        'if that separates the columns',
    );
    expect(csvError(table('\t'), { delimiter: ';' }).message).toMatch(
      /^data\.csv:1:3: .* with delimiter ';', but each line contains a tab; pass delimiter: "\\t"/,
    );
  });

  it('rejects an undetected delimiter', () => {
    expect(csvError('1|2\n3|4\n').message).toBe(
      'data.csv:1:2: every line of data.csv parses to a single column with ' +
        "every delimiter tried (tab, ';', ','), but each line contains '|'; " +
        'pass delimiter: "|" if that separates the columns',
    );
    expect(csvError('1 2\n3 4\n').message).toMatch(
      /each line contains a space; pass delimiter: " "/,
    );
  });

  it('rejects empty cells', () => {
    expect(csvError('1,,3\n').message).toBe(
      'data.csv:1:3: field 2 is empty; fill in or remove missing values ' +
        '(an empty cell is not read as 0 or NaN)',
    );
    expect(csvError('a,b\n1, \n').message).toMatch(
      /^data\.csv:2:3: field 2 \("b"\) is empty/,
    );
  });

  it('rejects NaN and infinity', () => {
    for (const cell of ['NaN', 'nan', '-inf', 'Infinity', '+INF']) {
      expect(csvError(`1,2\n3,${cell}\n`).message, cell).toBe(
        `data.csv:2:3: field 2 contains "${cell}", a non-finite value; ` +
          'remove or impute NaN and infinite values before clustering',
      );
    }
  });

  it('rejects values beyond float32', () => {
    expect(csvError('1,-1e39\n').message).toBe(
      'data.csv:1:3: field 2 contains "-1e39", outside the float32 range ' +
        '(magnitude up to 3.4e38); rescale this column',
    );
  });

  it('rejects other number formats', () => {
    for (const cell of ['0x10', '1_000', '1.000,5', '1e', '--1', '.', 'e5']) {
      expect(csvError(`${cell};1\n`).message, cell).toMatch(
        /which is not a number/,
      );
    }
  });

  it('hints at decimal commas', () => {
    expect(csvError('1;2,5\n').message).toBe(
      'data.csv:1:3: field 2 contains "2,5", which is not a number; it ' +
        "looks like a decimal comma, so pass decimalSeparator: ','",
    );
  });

  it('rejects an empty label', () => {
    expect(csvError('a,b\n1,x\n2, \n', { labelColumn: 2 }).message).toBe(
      'data.csv:3:3: label field 2 ("b") is empty, but every row needs a ' +
        'class value in the label column',
    );
  });

  it('rejects a missing label column', () => {
    const byName = csvError('a,b\n1,2\n', { labelColumn: 'class' });
    expect(byName).toBeInstanceOf(InvalidParameterError);
    expect(byName.message).toBe(
      'data.csv:1:1: label column "class" is not in the header, whose ' +
        'columns are "a", "b"; pass one of these names or a 1-based column ' +
        'index',
    );

    const byIndex = csvError('a,b\n1,2\n', { labelColumn: 3 });
    expect(byIndex).toBeInstanceOf(InvalidParameterError);
    expect(byIndex.message).toBe(
      'data.csv:1:4: label column 3 does not exist: the first row of ' +
        'data.csv has 2 fields; pass an index from 1 to 2 or a header name',
    );
  });

  it('rejects an ambiguous label name', () => {
    expect(csvError('a,b,a\n1,2,3\n', { labelColumn: 'a' }).message).toBe(
      'data.csv:1:1: label column "a" matches fields 1 and 3 of the ' +
        'header; pass the 1-based index of one of them',
    );
  });

  it('rejects a file with only a label column', () => {
    expect(csvError('y\na\n', { labelColumn: 1 }).message).toBe(
      'data.csv:1:1: data.csv has no feature column besides the label ' +
        'column; pass a file with at least one numeric column',
    );
  });

  it('rejects malformed quoting', () => {
    const unclosed = csvError('a,b\n1,"2\n3,4\n');
    expect(unclosed).toBeInstanceOf(InvalidDataError);
    expect(unclosed.message).toMatch(
      /^data\.csv:2:3: data\.csv has malformed quoting \(Quote Not Closed/,
    );
    expect(csvError('a,b"c\n').message).toMatch(
      /^data\.csv:1:3: data\.csv has malformed quoting \(Invalid Opening Quote/,
    );
    expect(csvError('"a"b,c\n').message).toMatch(
      /^data\.csv:1:1: data\.csv has malformed quoting \(Invalid Closing Quote/,
    );
  });

  it('rejects invalid options', () => {
    const cases: [CsvOptions, string, RegExp][] = [
      [{ delimiter: '' }, 'delimiter', /must be one character/],
      [{ delimiter: '::' }, 'delimiter', /must be one character/],
      [{ delimiter: '"' }, 'delimiter', /other than a double quote/],
      [{ delimiter: '\n' }, 'delimiter', /must be one character/],
      [
        { delimiter: ',', decimalSeparator: ',' },
        'delimiter',
        /delimiter and decimalSeparator are both ","/,
      ],
      [
        { decimalSeparator: ';' as ',' },
        'decimalSeparator',
        /must be '\.' or ','/,
      ],
      [{ header: 'yes' as 'auto' }, 'header', /true, false or 'auto'/],
      [{ labelColumn: 0 }, 'labelColumn', /1-based column index/],
      [{ labelColumn: 1.5 }, 'labelColumn', /1-based column index/],
      [{ labelColumn: ' ' }, 'labelColumn', /header name/],
      [
        { labelColumn: 'y', header: false },
        'labelColumn',
        /is a name, but header is false/,
      ],
    ];
    for (const [options, parameter, message] of cases) {
      const error = csvError('1,2\n', options);
      expect(error, parameter).toBeInstanceOf(InvalidParameterError);
      expect((error as InvalidParameterError).parameter).toBe(parameter);
      expect(error.message, parameter).toMatch(message);
    }
  });
});

describe('loadCsv', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await createTempDirectory();
  });

  afterEach(async () => {
    await removeTempDirectory(directory);
  });

  it('reads a UTF-8 file with a byte order mark', async () => {
    const path = join(directory, 'points.csv');
    await writeFile(path, `\uFEFF${table(',')}`);
    const dataset = await loadCsv(path, { labelColumn: 'label' });
    expect(dataset.name).toBe('points');
    expect(dataset.featureNames).toEqual(['f1', 'f2']);
    expect(Array.from(dataset.labels ?? [])).toEqual([0, 0, 1, 1]);
  });

  it('names a missing file', async () => {
    const path = join(directory, 'missing.csv');
    const error = await catchError(() => loadCsv(path));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe(`CSV file ${path} not found`);
  });

  it('rejects text that is not UTF-8', async () => {
    const path = join(directory, 'latin1.csv');
    await writeFile(path, Buffer.from([0x61, 0xe9, 0x0a, 0x31, 0x0a]));
    const error = await catchError(() => loadCsv(path));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toMatch(
      /is not valid UTF-8 text .*; save it as UTF-8/,
    );

    const utf16 = join(directory, 'utf16.csv');
    await writeFile(utf16, Buffer.from('\uFEFFa,b\n1,2\n', 'utf16le'));
    expect((await catchError(() => loadCsv(utf16))).message).toBe(
      `CSV file ${utf16} is UTF-16 text (it starts with a UTF-16 byte ` +
        'order mark); save it as UTF-8',
    );
  });

  it('checks options before reading', async () => {
    const path = join(directory, 'missing.csv');
    const error = await catchError(() => loadCsv(path, { delimiter: '' }));
    expect(error).toBeInstanceOf(InvalidParameterError);
  });
});

/** Characters that CSV files of numbers are made of. */
const CSV_CHARS = [
  ...'0123456789',
  ...',;\t\n\r" .-+eE',
  'a',
  'x',
  'nan',
  'é',
  '😀',
];

const CSV_OPTIONS: fc.Arbitrary<CsvOptions> = fc.record(
  {
    delimiter: fc.constantFrom(',', ';', '\t', '|'),
    header: fc.constantFrom(true, false, 'auto' as const),
    labelColumn: fc.oneof(
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom('a', 'label'),
    ),
    decimalSeparator: fc.constantFrom('.' as const, ',' as const),
  },
  { requiredKeys: [] },
);

/** A CSV text of numbers, with an optional header and a label column. */
const validCsv = fc
  .record({
    delimiter: fc.constantFrom(',', ';', '\t'),
    rows: fc.array(
      fc.array(
        fc.double({
          noNaN: true,
          noDefaultInfinity: true,
          min: -1e30,
          max: 1e30,
        }),
        {
          minLength: 2,
          maxLength: 2,
        },
      ),
      { minLength: 1, maxLength: 6 },
    ),
    labels: fc.array(fc.constantFrom('a', 'b', '"c, d"'), {
      minLength: 6,
      maxLength: 6,
    }),
    header: fc.boolean(),
    newline: fc.constantFrom('\n', '\r\n'),
  })
  .map(({ delimiter, rows, labels, header, newline }) => {
    const lines = rows.map((row, i) =>
      [...row.map(String), labels[i]].join(delimiter),
    );
    if (header) lines.unshift(['f1', 'f2', 'label'].join(delimiter));
    return { text: lines.join(newline) + newline, rows };
  });

/** Parses with parseCsv, checking the result or the error class. */
function parseOrOwnError(text: string, options: CsvOptions): void {
  let dataset;
  try {
    dataset = parseCsv(text, 'fuzz.csv', options);
  } catch (error) {
    expect(
      error instanceof InvalidDataError ||
        error instanceof InvalidParameterError,
    ).toBe(true);
    return;
  }
  assertValidDataset(dataset);
  if (dataset.labels !== undefined) {
    const nClasses = dataset.classNames?.length ?? 0;
    expect(dataset.nClasses).toBe(nClasses);
    expect(
      dataset.labels.every((label) => label >= 0 && label < nClasses),
    ).toBe(true);
  }
}

describe('parseCsv fuzz', () => {
  it('reads generated files exactly', () => {
    fc.assert(
      fc.property(validCsv, ({ text, rows }) => {
        const dataset = parseCsv(text, 'fuzz.csv', { labelColumn: 3 });
        expect(Array.from(dataset.x)).toEqual(
          rows.flat().map((value) => Math.fround(Number(String(value)))),
        );
        expect(dataset.nSamples).toBe(rows.length);
      }),
      { numRuns: 300 },
    );
  });

  it('survives random text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...CSV_CHARS), { maxLength: 60 }),
        CSV_OPTIONS,
        (chars, options) => parseOrOwnError(chars.join(''), options),
      ),
      { numRuns: 1000 },
    );
  });

  it('survives mutated files', () => {
    const edits = fc.array(
      fc.tuple(fc.nat(), fc.nat({ max: 2 }), fc.constantFrom(...CSV_CHARS)),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(
        validCsv,
        edits,
        CSV_OPTIONS,
        ({ text }, changes, options) => {
          let mutated = text;
          for (const [position, deleted, inserted] of changes) {
            const at = position % (mutated.length + 1);
            mutated =
              mutated.slice(0, at) + inserted + mutated.slice(at + deleted);
          }
          parseOrOwnError(mutated, options);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
