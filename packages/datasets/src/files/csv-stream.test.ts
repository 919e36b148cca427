import {
  chmod,
  mkdir,
  readdir,
  rm,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { appendFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

import {
  InvalidDataError,
  InvalidParameterError,
  streamBlocks,
} from '@fixclust/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  catchError,
  createTempDirectory,
  removeTempDirectory,
} from '../test-fixtures.js';
import { loadCsv, parseCsv } from './csv.js';
import type { CsvOptions } from './csv-options.js';
import type { CsvConversionProgress } from './csv-convert.js';
import { openCsvStream, type CsvStream } from './csv-stream.js';

let directory: string;
let cacheDirectory: string;

beforeEach(async () => {
  directory = await createTempDirectory();
  cacheDirectory = join(directory, 'cache');
});

afterEach(async () => {
  await removeTempDirectory(directory);
});

async function writeCsv(name: string, text: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
}

/**
 * Writes `text` as `name` and checks that the stream rejects it with the
 * error that parseCsv gives for the same text and options.
 */
async function expectErrorAsParseCsv(
  name: string,
  text: string,
  options: CsvOptions,
): Promise<void> {
  const path = await writeCsv(name, text);
  const streamed = await catchError(() =>
    openCsvStream(path, { cacheDirectory, ...options }),
  );
  const inMemory = await catchError(() =>
    Promise.resolve().then(() => parseCsv(text, path, options)),
  );
  expect(streamed).toBeInstanceOf(InvalidDataError);
  expect(streamed.message).toBe(inMemory.message);
}

/** Reads every row of a stream into one array. */
async function readAll(stream: CsvStream): Promise<Float32Array> {
  const x = new Float32Array(stream.nSamples * stream.nFeatures);
  for await (const block of streamBlocks(stream, 3)) {
    x.set(block.x, block.start * stream.nFeatures);
  }
  return x;
}

const IRIS_LIKE =
  'sepal,species,petal\n' +
  '5.1,setosa,1.4\n' +
  '"4.9", versicolor ,1.35e0\n' +
  '\n' +
  '6.3,virginica,-6\r\n' +
  '5.8,setosa,0.2\n' +
  '7.7,virginica,3.40282e38\n' +
  '6.0,versicolor,.5\n' +
  '5.0,setosa,1e-3\n';

describe('openCsvStream', () => {
  it.each<[string, string, CsvOptions]>([
    ['a header and a named label', IRIS_LIKE, { labelColumn: 'species' }],
    ['no header', '1;2;3\n4;5;6\n7;8;9\n10;11;12\n', {}],
    ['a numeric label column', '1\t0.5\n2\t1.5\n1\t2.5\n', { labelColumn: 1 }],
    [
      'decimal commas',
      'a;b\n1,5;2\n3;-4,25\n',
      { decimalSeparator: ',', header: true },
    ],
  ])('equals parseCsv with %s', async (_, text, options) => {
    const path = await writeCsv('data.csv', text);
    const parsed = parseCsv(text, path, options);
    const stream = await openCsvStream(path, { ...options, cacheDirectory });
    try {
      expect([stream.nSamples, stream.nFeatures]).toEqual([
        parsed.nSamples,
        parsed.nFeatures,
      ]);
      expect(await readAll(stream)).toEqual(parsed.x);
      expect(stream.labels).toEqual(parsed.labels);
      expect(stream.classNames).toEqual(parsed.classNames);
      expect(stream.featureNames).toEqual(parsed.featureNames);
      expect(stream.name).toBe('data');
    } finally {
      await stream.close();
    }
  });

  it('reuses the cache of an unchanged file', async () => {
    const path = await writeCsv('data.csv', IRIS_LIKE);
    const options = { labelColumn: 'species', cacheDirectory };
    const first = await openCsvStream(path, options);
    await first.close();
    const second = await openCsvStream(path, options);
    await second.close();
    expect(first.converted).toBe(true);
    expect(second.converted).toBe(false);
    expect(second.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('converts again for other options', async () => {
    const path = await writeCsv('data.csv', '1,2\n3,4\n');
    const first = await openCsvStream(path, { cacheDirectory });
    await first.close();
    const other = await openCsvStream(path, { cacheDirectory, labelColumn: 2 });
    await other.close();
    expect(other.converted).toBe(true);
    expect(other.nFeatures).toBe(1);
  });

  it('converts again after the file changes', async () => {
    const path = await writeCsv('data.csv', '1,2\n3,4\n');
    await (await openCsvStream(path, { cacheDirectory })).close();
    await writeFile(path, '1,2\n3,4\n5,6\n');
    const changed = await openCsvStream(path, { cacheDirectory });
    await changed.close();
    expect(changed.converted).toBe(true);
    expect(changed.nSamples).toBe(3);
  });

  it('keeps one cache per file version', async () => {
    const path = await writeCsv('data.csv', '1,2\n3,4\n');
    await (await openCsvStream(path, { cacheDirectory })).close();
    await (
      await openCsvStream(path, { cacheDirectory, labelColumn: 2 })
    ).close();
    await writeFile(path, '1,2\n3,4\n5,6\n');
    // Another version of the file: a later modification time and size.
    await (await openCsvStream(path, { cacheDirectory })).close();
    const records = (await readdir(cacheDirectory)).filter((name) =>
      name.endsWith('.json'),
    );
    expect(records).toHaveLength(1);
    expect((await readdir(cacheDirectory)).sort()).toEqual(
      [records[0]!, records[0]!.replace('.json', '.npy')].sort(),
    );
  });

  it('converts a damaged cache again', async () => {
    const text = '1,2\n3,4\n5,6\n';
    const path = await writeCsv('data.csv', text);
    await (await openCsvStream(path, { cacheDirectory })).close();
    const npy = (await readdir(cacheDirectory)).find((name) =>
      name.endsWith('.npy'),
    )!;
    await truncate(join(cacheDirectory, npy), 100);
    const stream = await openCsvStream(path, { cacheDirectory });
    try {
      expect(stream.converted).toBe(true);
      expect(await readAll(stream)).toEqual(parseCsv(text, path, {}).x);
    } finally {
      await stream.close();
    }
  });

  it('removes abandoned temporary files', async () => {
    const path = await writeCsv('data.csv', '1,2\n');
    await (await openCsvStream(path, { cacheDirectory })).close();
    const record = (await readdir(cacheDirectory)).find((name) =>
      name.endsWith('.json'),
    )!;
    const base = join(cacheDirectory, record.slice(0, -'.json'.length));
    const abandoned = `${base}.123-abcd.partial.npy`;
    const recent = `${base}.456-ef01.partial.npy`;
    await writeFile(abandoned, 'x');
    await writeFile(recent, 'x');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(abandoned, hourAgo, hourAgo);
    // Without its record the file is converted again, under the same name.
    await rm(`${base}.json`);
    await (await openCsvStream(path, { cacheDirectory })).close();
    const names = await readdir(cacheDirectory);
    expect(names).not.toContain(basename(abandoned));
    expect(names).toContain(basename(recent));
  });

  it('reports the bytes a conversion reads', async () => {
    const text = '1,2\n3,4\n5,6\n';
    const path = await writeCsv('data.csv', text);
    const seen: Array<[number, number]> = [];
    const onProgress = ({ readBytes, totalBytes }: CsvConversionProgress) =>
      seen.push([readBytes, totalBytes]);
    await (await openCsvStream(path, { cacheDirectory, onProgress })).close();
    expect(seen.at(-1)).toEqual([text.length, text.length]);
    const reused = seen.length;
    await (await openCsvStream(path, { cacheDirectory, onProgress })).close();
    expect(seen).toHaveLength(reused);
  });

  it('survives conversions of one file at once', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},${2 * i}`);
    const text = `${rows.join('\n')}\n`;
    const path = await writeCsv('data.csv', text);
    const streams = await Promise.all(
      [0, 1, 2].map(() => openCsvStream(path, { cacheDirectory })),
    );
    try {
      const expected = parseCsv(text, path, {}).x;
      for (const stream of streams) {
        expect(await readAll(stream)).toEqual(expected);
      }
    } finally {
      await Promise.all(streams.map((stream) => stream.close()));
    }
    const names = await readdir(cacheDirectory);
    expect(names.filter((name) => name.includes('partial'))).toEqual([]);
    expect(names).toHaveLength(2);
  });

  it.skipIf(process.getuid?.() === 0)(
    'names an unwritable cache folder (skipped as root, who may write anywhere)',
    async () => {
      const path = await writeCsv('data.csv', '1,2\n');
      await mkdir(cacheDirectory);
      await chmod(cacheDirectory, 0o555);
      const error = await catchError(() =>
        openCsvStream(path, { cacheDirectory }),
      );
      expect(error.message).toContain(
        `the CSV cache folder ${cacheDirectory} is not writable`,
      );
    },
  );

  it('rejects a cell that is not a number', async () => {
    const path = await writeCsv('bad.csv', 'a,b\n1,2\n3,x\n');
    const error = await catchError(() =>
      openCsvStream(path, { cacheDirectory }),
    );
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe(
      `${path}:3:3: field 2 ("b") contains "x", which is not a number; ` +
        `every column except the label column must be numeric`,
    );
  });

  it.each([
    ['a decimal comma', 'a;b\n1;2,5\n', ';'],
    ['an empty cell', 'a,b\n1,\n', ','],
    ['a NaN', 'a,b\n1,NaN\n', ','],
    ['a value beyond float32', 'a,b\n1,1e39\n', ','],
    ['a header read as data', '1,b\n2,3\n', ','],
    ['an empty label', 'a,b,c\n1,2,\n', ','],
    ['a comma file read with ;', 'a,b\n1,2\n3,4\n', ';'],
    ['a file split by |', 'a|b|c\n1|2|3\n4|5|6\n', undefined],
  ])('describes %s as parseCsv does', async (_, text, delimiter) => {
    await expectErrorAsParseCsv('cells.csv', text, {
      ...(delimiter === undefined ? {} : { delimiter }),
      ...(text.startsWith('a,b,c') ? { labelColumn: 3 } : {}),
    });
  });

  it.each([
    ['a cell after a multi-line one', 'a,b,c\n1,"2\n3",x\n4,y,z\n'],
    ['a multi-line bad cell', 'a,b,c\n1,2,x\n"3\n\n4",5,y\n'],
    ['a \\r\\n inside quotes', 'a,b,c\r\n1,"2\r\n3",x\r\n4,bad,y\r\n'],
    ['empty lines between rows', 'a,b,c\n\n1,2,x\n\n\n3,bad,y\n'],
    ['a lone \\r between rows', 'a,b,c\r1,2,x\r3,bad,y\r'],
    ['a ragged row after quotes', 'a,b,c\n"1\n",2,x\n3,y\n'],
    ['a header only', 'a,b,c\n'],
    ['a header without a line break', 'a,b,c'],
    ['a header and empty lines', 'a,b,c\n\n\n'],
    ['an unclosed quote', 'a,b,c\n1,2,x\n3,"4,y\n\n'],
    ['a bad cell before bad quoting', 'a,b,c\n"1\n2",3,x\n5,"6"7,y\n'],
    ['a byte order mark', '\ufeffa,b,c\n1,2,x\n3,bad,y\n'],
    ['a row of one field', 'a,b,c\n1,2,x\n3\n'],
    [
      'lone \\r lines and a late quote',
      'a;b;c\r' + '1;2;x\r'.repeat(30) + '3;"4;y\r',
    ],
    // Past the first 64 KiB: parseCsv samples 20 lines, not bytes.
    ['64 KiB of empty lines first', '\n'.repeat(70_000) + 'a,b,c\n1,bad,x\n'],
    ['a quoted header over 64 KiB', `"${'h'.repeat(70_000)}";b;c\n1;bad;x\n`],
    [
      'a bad field over 1 MiB into its row',
      Array(600_000).fill('1').join(',') + ',x,x\n',
    ],
    [
      'an unclosed quote over 1 MiB into its row',
      Array(600_000).fill('1').join(',') + ',"1,x\n',
    ],
    // The header's 12 bytes put the \r of a row on the last byte of the
    // first MiB, so its \n starts the next block that lines are counted in.
    [
      'a \\r\\n across a MiB',
      'aaaaaa,b,c\r\n' + '1,2,x\r\n'.repeat(150_000) + '3,bad,y\r\n',
    ],
  ])('places an error as parseCsv does: %s', async (_, text) => {
    await expectErrorAsParseCsv('place.csv', text, { labelColumn: 3 });
  });

  it('rejects a byte that is not UTF-8 after 64 KiB', async () => {
    const path = join(directory, 'latin1.csv');
    const rows = 'a,b,c\n' + '1,2,x\n'.repeat(20_000);
    const bytes = Buffer.concat([
      Buffer.from(rows),
      Buffer.from([0x33, 0x2c, 0x34, 0x2c, 0x63, 0x61, 0x66, 0xe9, 0x0a]),
    ]);
    await writeFile(path, bytes);
    const options = { labelColumn: 3 };
    const streamed = await catchError(() =>
      openCsvStream(path, { cacheDirectory, ...options }),
    );
    const inMemory = await catchError(() => loadCsv(path, options));
    expect(streamed).toBeInstanceOf(InvalidDataError);
    expect(streamed.message).toBe(inMemory.message);
    expect(streamed.message).toMatch(/is not valid UTF-8 text/);
  });

  it('rejects a file that changes while it is read', async () => {
    const path = await writeCsv('growing.csv', '1,2\n'.repeat(100_000));
    let appended = false;
    const error = await catchError(() =>
      openCsvStream(path, {
        cacheDirectory,
        onProgress: () => {
          if (appended) return;
          appended = true;
          appendFileSync(path, '3,4\n');
        },
      }),
    );
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe(
      `CSV file ${path} changed while it was read (its size or ` +
        'modification time differs); read it again once it is complete',
    );
    expect(await readdir(cacheDirectory)).toEqual([]);
  });

  it('names the file alone when it is gone before the error', async () => {
    const path = await writeCsv(
      'vanishing.csv',
      '1,2\n'.repeat(100_000) + '3,x\n',
    );
    let removed = false;
    const error = await catchError(() =>
      openCsvStream(path, {
        cacheDirectory,
        onProgress: () => {
          if (removed) return;
          removed = true;
          rmSync(path);
        },
      }),
    );
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe(
      `${path}: field 2 contains "x", which is not a number; every column ` +
        'except the label column must be numeric',
    );
  });

  it('leaves no cache after a failed conversion', async () => {
    const path = await writeCsv('bad.csv', '1,2\n3,NaN\n');
    await catchError(() => openCsvStream(path, { cacheDirectory }));
    expect(await readdir(cacheDirectory)).toEqual([]);
  });

  it('rejects a ragged row', async () => {
    const path = await writeCsv('ragged.csv', '1,2\n3,4,5\n');
    const error = await catchError(() =>
      openCsvStream(path, { cacheDirectory }),
    );
    expect(error.message).toContain(
      `${path}:2:5: this row has 3 fields, but the first row (line 1) has 2`,
    );
  });

  it('rejects a value beyond float32', async () => {
    const path = await writeCsv('big.csv', '1,2\n3,4e39\n');
    const error = await catchError(() =>
      openCsvStream(path, { cacheDirectory }),
    );
    expect(error.message).toContain('outside the float32 range');
  });

  it('rejects an empty label', async () => {
    const path = await writeCsv('label.csv', '1,a\n2,\n');
    const error = await catchError(() =>
      openCsvStream(path, { cacheDirectory, labelColumn: 2 }),
    );
    expect(error.message).toContain('label field 2 is empty');
  });

  it('rejects malformed quoting', async () => {
    const path = await writeCsv('quote.csv', '1,2\n"3,4\n');
    const error = await catchError(() =>
      openCsvStream(path, { cacheDirectory }),
    );
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain('malformed quoting');
  });

  it('rejects a header without rows', async () => {
    const path = await writeCsv('header.csv', 'a,b\n');
    const error = await catchError(() =>
      openCsvStream(path, { cacheDirectory }),
    );
    expect(error.message).toContain('contains a header row but no data rows');
  });

  it('rejects an empty file', async () => {
    const path = await writeCsv('empty.csv', '  \n');
    const error = await catchError(() =>
      openCsvStream(path, { cacheDirectory }),
    );
    expect(error.message).toContain('is empty');
  });

  it('rejects a missing file', async () => {
    const path = join(directory, 'missing.csv');
    const error = await catchError(() =>
      openCsvStream(path, { cacheDirectory }),
    );
    expect(error.message).toBe(`CSV file ${path} not found`);
  });

  it('rejects a label column beyond the row', async () => {
    const path = await writeCsv('data.csv', '1,2\n3,4\n');
    const error = await catchError(() =>
      openCsvStream(path, { cacheDirectory, labelColumn: 3 }),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toContain('label column 3 does not exist');
  });

  it('rejects an unknown label name', async () => {
    const path = await writeCsv('data.csv', 'a,b\n3,4\n');
    const error = await catchError(() =>
      openCsvStream(path, { cacheDirectory, labelColumn: 'c' }),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toContain('label column "c" is not in the header');
  });
});
