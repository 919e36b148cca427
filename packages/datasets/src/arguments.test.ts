import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { InvalidParameterError, Random, type Dataset } from '@fixclust/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { convertCsvToNpy } from './files/csv-convert.js';
import { openCsvStream } from './files/csv-stream.js';
import { loadCsv, parseCsv } from './files/csv.js';
import {
  loadUserDataset,
  openUserDatasetStream,
} from './files/load-user-dataset.js';
import { openNpyStream } from './files/npy-stream.js';
import { NpyRowWriter } from './files/npy-writer.js';
import { loadNpy, loadNpyDataset, parseNpy } from './files/npy.js';
import { parseIdx, readIdx } from './idx.js';
import { loadDataset, loadSparseDataset } from './load-dataset.js';
import { loadMnist } from './mnist.js';
import { sampleDataset, sampleSparseDataset } from './sample.js';
import {
  catchError,
  createTempDirectory,
  removeTempDirectory,
} from './test-fixtures.js';
import { readNewsgroupsArchive } from './text/newsgroups-archive.js';
import { fetch20Newsgroups } from './text/newsgroups-fetch.js';
import { load20Newsgroups } from './text/newsgroups.js';
import { TfidfVectorizer } from './text/tfidf.js';
import { tokenize } from './text/tokenize.js';
import { loadUsps } from './usps.js';

const CSV_KEYS = 'delimiter, header, labelColumn, decimalSeparator';

/** Calls `action` and returns its InvalidParameterError's message. */
async function parameterMessage(action: () => unknown): Promise<string> {
  const error = await catchError(action);
  expect(error).toBeInstanceOf(InvalidParameterError);
  return error.message;
}

let directory: string;
let csvPath: string;

beforeAll(async () => {
  directory = await createTempDirectory();
  csvPath = join(directory, 'ok.csv');
  await writeFile(csvPath, 'a,b,c\n1,2,x\n3,4,y\n');
});

afterAll(async () => {
  await removeTempDirectory(directory);
});

describe('unknown options', () => {
  it('loadUserDataset names a misspelt labelColumn', async () => {
    const options = { labelColum: 'c' } as never;
    expect(
      await parameterMessage(() => loadUserDataset(csvPath, options)),
    ).toBe(
      `labelColum is not an option; the options are ${CSV_KEYS}, labelsPath`,
    );
  });

  it('loadUserDataset still reads the label column', async () => {
    const dataset = await loadUserDataset(csvPath, { labelColumn: 'c' });
    expect(dataset.classNames).toEqual(['x', 'y']);
  });

  it.each([
    ['loadCsv', () => loadCsv(csvPath, { delimter: ';' } as never), 'delimter'],
    [
      'parseCsv',
      () => parseCsv('1,2\n', 'text.csv', { headers: true } as never),
      'headers',
    ],
  ])('%s names the unknown option', async (_, action, key) => {
    expect(await parameterMessage(action)).toBe(
      `${key} is not an option; the options are ${CSV_KEYS}`,
    );
  });

  it('openCsvStream names the unknown option', async () => {
    const options = { blocksize: 10, cacheDirectory: directory } as never;
    const open = () => openCsvStream(csvPath, options);
    expect(await parameterMessage(open)).toBe(
      `blocksize is not an option; the options are ${CSV_KEYS}, ` +
        'cacheDirectory, blockSize, onProgress',
    );
  });

  it('convertCsvToNpy names the unknown option', async () => {
    const npyPath = join(directory, 'out.npy');
    const convert = () =>
      convertCsvToNpy(csvPath, npyPath, { onprogress: () => 0 } as never);
    expect(await parameterMessage(convert)).toBe(
      `onprogress is not an option; the options are ${CSV_KEYS}, onProgress`,
    );
  });

  it('openUserDatasetStream names the unknown option', async () => {
    const open = () =>
      openUserDatasetStream(csvPath, { labelColum: 'c' } as never);
    expect(await parameterMessage(open)).toBe(
      `labelColum is not an option; the options are ${CSV_KEYS}, ` +
        'cacheDirectory, blockSize, onProgress, labelsPath',
    );
  });

  it.each([
    [
      'loadNpyDataset',
      () => loadNpyDataset('x.npy', { labels: 'y.npy' } as never),
      'labels is not an option; the options are labelsPath',
    ],
    [
      'openNpyStream',
      () => openNpyStream('x.npy', { labels: 'y.npy' } as never),
      'labels is not an option; the options are blockSize, labelsPath',
    ],
    [
      'loadMnist',
      () => loadMnist({ paht: 'mnist' } as never),
      'paht is not an option; the options are path, split',
    ],
    [
      'loadUsps',
      () => loadUsps({ pth: 'usps.h5' } as never),
      'pth is not an option; the options are path, split',
    ],
    [
      'loadDataset',
      () => loadDataset('usps', { pth: 'usps.h5' } as never),
      'pth is not an option; the options are path, split',
    ],
    [
      'loadSparseDataset',
      () => loadSparseDataset('20news', { maxFeatures: 10 } as never),
      'maxFeatures is not an option; the options are path, split',
    ],
    [
      'load20Newsgroups',
      () => load20Newsgroups({ path: 'x', max_features: 10 } as never),
      'max_features is not an option; the options are path, split, ' +
        'maxFeatures',
    ],
    [
      'fetch20Newsgroups',
      () => fetch20Newsgroups({ cache: 'folder' } as never),
      'cache is not an option; the options are path, cacheDirectory, url, ' +
        'sha256, onProgress, signal',
    ],
    [
      'TfidfVectorizer',
      () => new TfidfVectorizer({ max_features: 10 } as never),
      'max_features is not an option; the options are lowercase, ' +
        'maxFeatures, vocabulary',
    ],
    [
      'tokenize',
      () => tokenize('Some text', { lowerCase: false } as never),
      'lowerCase is not an option; the options are lowercase',
    ],
  ])('%s names the unknown option', async (_, action, message) => {
    expect(await parameterMessage(action)).toBe(message);
  });
});

describe('missing or wrong arguments', () => {
  it.each([
    ['loadUserDataset', () => loadUserDataset(42 as never), 'path', '42'],
    [
      'openUserDatasetStream',
      () => openUserDatasetStream(undefined as never),
      'path',
      'undefined',
    ],
    ['loadCsv', () => loadCsv(42 as never), 'path', '42'],
    ['loadNpy', () => loadNpy(null as never), 'path', 'null'],
    ['loadNpyDataset', () => loadNpyDataset(7 as never), 'dataPath', '7'],
    [
      'loadNpyDataset labelsPath',
      () => loadNpyDataset('x.npy', { labelsPath: 1 } as never),
      'labelsPath',
      '1',
    ],
    [
      'openNpyStream',
      () => openNpyStream('' as never),
      'path',
      'the string ""',
    ],
    ['openCsvStream', () => openCsvStream(42 as never), 'path', '42'],
    ['readIdx', () => readIdx(42 as never), 'path', '42'],
    ['loadMnist path', () => loadMnist({ path: 42 } as never), 'path', '42'],
    [
      'loadUsps path',
      () => loadUsps({ path: ['usps.h5'] } as never),
      'path',
      'an array of 1',
    ],
    [
      'load20Newsgroups path',
      () => load20Newsgroups({} as never),
      'path',
      'undefined',
    ],
    [
      'readNewsgroupsArchive',
      () => readNewsgroupsArchive(42 as never),
      'path',
      '42',
    ],
    [
      'fetch20Newsgroups cacheDirectory',
      () => fetch20Newsgroups({ cacheDirectory: 3 } as never),
      'cacheDirectory',
      '3',
    ],
    [
      'NpyRowWriter.create',
      () => NpyRowWriter.create(42 as never, 3),
      'path',
      '42',
    ],
  ])('%s names the path', async (_, action, name, shown) => {
    expect(await parameterMessage(action)).toBe(
      `${name} must be a file path, a non-empty string, got ${shown}`,
    );
  });

  it('loadUsps without path says there is no bundled copy', async () => {
    expect(await parameterMessage(() => loadUsps({} as never))).toBe(
      'USPS has no bundled copy; pass path, the location of usps.h5 or of ' +
        'the folder that contains it',
    );
  });

  it('loadUsps without options names them', async () => {
    expect(await parameterMessage(() => loadUsps(undefined as never))).toBe(
      'options must be an object of options, got undefined',
    );
  });

  it('loadUserDataset rejects options that are not an object', async () => {
    const load = () => loadUserDataset(csvPath, 'c' as never);
    expect(await parameterMessage(load)).toBe(
      'options must be an object of options, got the string "c"',
    );
  });

  it.each([
    ['parseNpy', () => parseNpy('abc' as never, 'x.npy')],
    ['parseIdx', () => parseIdx([0, 0, 8, 1] as never, 'x.idx')],
  ])('%s rejects bytes that are not a Uint8Array', async (_, action) => {
    expect(await parameterMessage(action)).toMatch(
      /^bytes must be the file's contents as a Uint8Array or Buffer, got /,
    );
  });

  it('parseCsv rejects text that is not a string', async () => {
    const parse = () => parseCsv(Buffer.from('1,2\n') as never, 'x.csv');
    expect(await parameterMessage(parse)).toBe(
      'text must be the contents of a CSV file as a string, got a Buffer',
    );
  });

  it('tokenize rejects text that is not a string', async () => {
    expect(await parameterMessage(() => tokenize(42 as never))).toBe(
      'text must be a string, got 42',
    );
  });
});

describe('sample arguments', () => {
  const dataset: Dataset = {
    name: 'four',
    x: new Float32Array(8),
    nSamples: 4,
    nFeatures: 2,
  };

  it('sampleDataset names a missing generator', async () => {
    const sample = () => sampleDataset(dataset, 1, undefined as never);
    expect(await parameterMessage(sample)).toBe(
      'random must be a Random of @fixclust/core, such as new Random(0), ' +
        'got undefined',
    );
  });

  it('sampleDataset names a missing data set', async () => {
    const sample = () => sampleDataset(undefined as never, 1, new Random(0));
    expect(await parameterMessage(sample)).toBe(
      'dataset must be a data set with x, nSamples and nFeatures, such as ' +
        'loadDataset returns, got undefined',
    );
  });

  it('sampleSparseDataset names a seed passed as the generator', async () => {
    const sample = () => sampleSparseDataset(dataset as never, 1, 0 as never);
    expect(await parameterMessage(sample)).toBe(
      'random must be a Random of @fixclust/core, such as new Random(0), ' +
        'got 0',
    );
  });
});
