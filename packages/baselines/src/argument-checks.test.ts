import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { wasmBackend } from '@fixclust/backend-wasm';
import {
  arrayStream,
  InvalidDataError,
  InvalidParameterError,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { gaussianMixture } from './gaussian-mixture.js';
import { kmeans, relocationWarning } from './kmeans.js';
import { miniBatchKMeans } from './mini-batch-kmeans.js';
import { describeCollapse } from './mixture-collapse.js';
import { pca } from './pca.js';
import {
  deserializeBaseline,
  serializeBaseline,
} from './persistence/artifacts.js';
import {
  loadBaseline,
  loadBaselineFromUrl,
  saveBaseline,
} from './persistence/files.js';
import { randomLabels } from './random-labels.js';
import { catchError, toCsr } from './test-fixtures.js';

/** Four points on a line, two near 0 and two near 10. */
const DATA = {
  x: Float32Array.of(0, 1, 10, 11),
  nSamples: 4,
  nFeatures: 1,
};

/** Calls a function as plain JavaScript would, without type checks. */
type Untyped = (...args: unknown[]) => unknown;
const fits: [string, Untyped, string][] = [
  ['kmeans', kmeans as Untyped, 'nClusters'],
  ['gaussianMixture', gaussianMixture as Untyped, 'nComponents'],
  ['pca', pca as Untyped, 'nComponents'],
];

let root: string;

beforeAll(async () => {
  await wasmBackend().initialise();
  root = await mkdtemp(join(tmpdir(), 'baseline-arguments-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Expects `action` to throw `type` with exactly `message`. */
async function expectError(
  action: () => unknown,
  type: typeof InvalidParameterError | typeof InvalidDataError,
  message: string,
): Promise<void> {
  const error = await catchError(action);
  expect(error).toBeInstanceOf(type);
  expect(error.message).toBe(message);
}

describe('unknown options', () => {
  it.each([
    ['kmeans', () => kmeans(DATA, { nClusters: 2, n_init: 1 } as never)],
    [
      'gaussianMixture',
      () =>
        gaussianMixture(DATA, {
          nComponents: 2,
          covariance: 'diag',
        } as never),
    ],
    ['pca', () => pca(DATA, { nComponents: 1, whiten: true } as never)],
    ['randomLabels', () => randomLabels(4, { nClusters: 2, sed: 1 } as never)],
    [
      'miniBatchKMeans',
      () =>
        miniBatchKMeans(arrayStream(DATA, 2), {
          nClusters: 2,
          batch_size: 2,
        } as never),
    ],
  ])('%s names the unknown option', async (_, call) => {
    const error = await catchError(call);
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toMatch(/^\w+ is not an option; the options are /);
  });

  it('kmeans lists its options', async () => {
    await expectError(
      () => kmeans(DATA, { nClusters: 2, n_init: 1, maxIter: 3 } as never),
      InvalidParameterError,
      'n_init is not an option; the options are nClusters, nInit, ' +
        'maxIterations, tolerance, seed',
    );
  });

  it('gaussianMixture names covariance', async () => {
    const error = await catchError(() =>
      gaussianMixture(DATA, { nComponents: 2, covariance: 'diag' } as never),
    );
    expect(error.message).toMatch(
      /^covariance is not an option; .*\bcovarianceType\b/,
    );
  });

  it('persistence functions name the unknown option', async () => {
    const fitted = await kmeans(DATA, { nClusters: 2, seed: 0 });
    const directory = join(root, 'kmeans');
    await expectError(
      () => saveBaseline(fitted, directory, { onWritten: () => {} } as never),
      InvalidParameterError,
      'onWritten is not an option; the options are onWeightsWritten',
    );
    await saveBaseline(fitted, directory);
    await expectError(
      () => loadBaseline(directory, { type: 'kmeans' } as never),
      InvalidParameterError,
      'type is not an option; the options are kind',
    );
    await expectError(
      () => loadBaselineFromUrl('http://127.0.0.1/m.json', { fetch } as never),
      InvalidParameterError,
      'fetch is not an option; the options are kind, fetchFunction',
    );
    const { manifest, weights } = await serializeBaseline(fitted);
    await expectError(
      () =>
        deserializeBaseline(manifest, weights, 'memory', {
          kinds: 'pca',
        } as never),
      InvalidParameterError,
      'kinds is not an option; the options are kind',
    );
  });
});

describe('dense values of another type', () => {
  const copy =
    'copy a flat array of numbers with Float32Array.from(x), rows with ' +
    'Float32Array.from(rows.flat())';

  it.each(fits)('%s rejects a plain array', async (_, fit, count) => {
    const data = { x: [0, 1, 10, 11], nSamples: 4, nFeatures: 1 };
    await expectError(
      () => fit(data, { [count]: 1 }),
      InvalidDataError,
      `data.x must be a Float32Array of this realm, got an array of 4; ${copy}`,
    );
  });

  it.each(fits)('%s rejects a Float64Array', async (_, fit, count) => {
    const data = { ...DATA, x: Float64Array.from(DATA.x) };
    await expectError(
      () => fit(data, { [count]: 1 }),
      InvalidDataError,
      `data.x must be a Float32Array of this realm, got a Float64Array; ${copy}`,
    );
  });

  it('predict rejects a Float64Array', async () => {
    const fitted = await kmeans(DATA, { nClusters: 2, seed: 0 });
    const data = { ...DATA, x: Float64Array.from(DATA.x) };
    const error = await catchError(() => fitted.predict(data as never));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toMatch(/^data\.x must be a Float32Array/);
  });

  it('rejects CSR arrays of another type', async () => {
    const csr = { ...toCsr(DATA), data: [1, 10, 11] };
    await expectError(
      () => kmeans(csr as never, { nClusters: 2 }),
      InvalidDataError,
      'data.data must be a Float32Array, got an array of 3; copy it with ' +
        'Float32Array.from(data)',
    );
  });

  it('points a CSR matrix inside { x } to the right place', async () => {
    const data = { x: toCsr(DATA), nSamples: 4, nFeatures: 1 };
    await expectError(
      () => kmeans(data as never, { nClusters: 2 }),
      InvalidParameterError,
      'data.x is a CsrMatrix; pass the CsrMatrix itself as data',
    );
  });

  it('wraps an array of rows', async () => {
    const error = await catchError(() =>
      pca([[0], [1]] as never, { nComponents: 1 }),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toContain(
      'for an array of rows pass { x: Float32Array.from(rows.flat())',
    );
  });

  it('creates no tensor before rejecting', async () => {
    const before = tf.memory().numTensors;
    await catchError(() =>
      kmeans({ ...DATA, x: Array.from(DATA.x) } as never, { nClusters: 2 }),
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('strings where numbers belong', () => {
  it('shows a string count as a string', async () => {
    await expectError(
      () => kmeans(DATA, { nClusters: '2' as never }),
      InvalidParameterError,
      'nClusters must be an integer between 1 and the number of samples ' +
        '(4), got the string "2"',
    );
  });

  it.each([
    ['nInit', { nClusters: 2, nInit: '3' }],
    ['maxIterations', { nClusters: 2, maxIterations: '3' }],
    ['tolerance', { nClusters: 2, tolerance: '0.1' }],
    ['seed', { nClusters: 2, seed: '1' }],
  ])('kmeans rejects %s as a string', async (name, options) => {
    const error = await catchError(() => kmeans(DATA, options as never));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toMatch(
      new RegExp(`^${name} must be .*, got the string "`),
    );
  });

  it.each([
    ['regCovar', { nComponents: 2, regCovar: '0.1' }],
    ['nComponents', { nComponents: '2' }],
  ])('gaussianMixture rejects %s as a string', async (name, options) => {
    const error = await catchError(() =>
      gaussianMixture(DATA, options as never),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toMatch(
      new RegExp(`^${name} must be .*, got the string "`),
    );
  });

  it('rejects a string seed as a string', async () => {
    await expectError(
      () => randomLabels(4, { nClusters: 2, seed: '7' as never }),
      InvalidParameterError,
      'seed must be an integer between 0 and 4294967295, got the string "7"',
    );
  });

  it.each([
    ['nSamples', { ...DATA, nSamples: '4' }],
    ['nFeatures', { ...DATA, nFeatures: '1' }],
  ])('rejects data.%s as a string', async (name, data) => {
    const error = await catchError(() =>
      kmeans(data as never, { nClusters: 2 }),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toMatch(
      new RegExp(
        `^data\\.${name} must be an integer at least 0, got the string`,
      ),
    );
  });

  it('rejects CSR nRows as a string', async () => {
    const csr = { ...toCsr(DATA), nRows: '4' };
    await expectError(
      () => pca(csr as never, { nComponents: 1 }),
      InvalidParameterError,
      'data.nRows must be an integer at least 0, got the string "4"',
    );
  });

  it('rejects a stream size as a string', async () => {
    const stream = { ...arrayStream(DATA, 2), nSamples: '4' };
    await expectError(
      () => miniBatchKMeans(stream as never, { nClusters: 2 }),
      InvalidParameterError,
      'dataset.nSamples must be an integer at least 1, got the string "4"',
    );
  });
});

describe('missing arguments', () => {
  it.each(fits)('%s names missing options', async (_, fit, count) => {
    await expectError(
      () => fit(DATA),
      InvalidParameterError,
      `options is missing; pass an object with at least ${count}, such as ` +
        `{ ${count}: 2 }`,
    );
  });

  it.each(fits)('%s names missing data', async (_, fit, count) => {
    await expectError(
      () => fit(undefined, { [count]: 1 }),
      InvalidParameterError,
      'data must be a dense matrix { x, nSamples, nFeatures } with x a ' +
        'row-major Float32Array, or a CsrMatrix, got undefined',
    );
  });

  it('rejects options that are not an object', async () => {
    await expectError(
      () => kmeans(DATA, 2 as never),
      InvalidParameterError,
      'options must be an object of options, got 2',
    );
  });

  it('randomLabels names missing options', async () => {
    await expectError(
      () => (randomLabels as Untyped)(4),
      InvalidParameterError,
      'options is missing; pass an object with at least nClusters, such as ' +
        '{ nClusters: 2 }',
    );
  });

  it('miniBatchKMeans names a matrix passed as a stream', async () => {
    const error = await catchError(() =>
      miniBatchKMeans(DATA as never, { nClusters: 2 }),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toBe(
      'dataset must be a StreamingDataset (an object with nSamples, ' +
        'nFeatures and readRows), got an object; wrap a matrix in memory ' +
        'with arrayStream from @fixclust/core, or open a file with ' +
        'openCsvStream or openNpyStream from @fixclust/datasets',
    );
  });

  it('miniBatchKMeans rejects callbacks of another type', async () => {
    const stream = arrayStream(DATA, 2);
    await expectError(
      () => miniBatchKMeans(stream, { nClusters: 2, signal: 'stop' as never }),
      InvalidParameterError,
      'signal must be an AbortSignal, got the string "stop"',
    );
    await expectError(
      () => miniBatchKMeans(stream, { nClusters: 2, onEpochEnd: 1 as never }),
      InvalidParameterError,
      'onEpochEnd must be a function, got 1',
    );
  });

  it('persistence functions name bad arguments', async () => {
    const fitted = await kmeans(DATA, { nClusters: 2, seed: 0 });
    await expectError(
      () => (saveBaseline as Untyped)(fitted),
      InvalidParameterError,
      'directory must be a non-empty string, got undefined',
    );
    await expectError(
      () => (loadBaseline as Untyped)(),
      InvalidParameterError,
      'directory must be a non-empty string, got undefined',
    );
    await expectError(
      () => loadBaseline(root, { kind: 'kmean' as never }),
      InvalidParameterError,
      'kind must be one of kmeans, gaussian-mixture, pca, got "kmean"',
    );
    await expectError(
      () => loadBaselineFromUrl(3 as never),
      InvalidParameterError,
      'manifestUrl must be a non-empty string, got 3',
    );
    const { manifest } = await serializeBaseline(fitted);
    await expectError(
      () => deserializeBaseline(manifest, [1, 2] as never),
      InvalidParameterError,
      "weights must be a Uint8Array of the weights file's bytes, got an " +
        'array of 2',
    );
  });
});

describe('warning wording', () => {
  it('counts one distinct point in the singular', async () => {
    const data = { x: Float32Array.of(3, 3, 3), nSamples: 3, nFeatures: 1 };
    const result = await kmeans(data, { nClusters: 2, seed: 0 });
    const warning = result.warnings.find(
      (w) => w.code === 'few-distinct-points',
    );
    expect(warning?.message).toBe(
      'the data has only 1 distinct point for nClusters = 2, so 1 centre ' +
        'duplicates another and holds no samples; use nClusters ≤ 1',
    );
  });

  it('counts relocations in words', () => {
    const once = relocationWarning([{ iteration: 0, cluster: 1, row: 0 }]);
    expect(once.message).toBe(
      'in the kept restart, a cluster lost all its samples once and was ' +
        'moved to the sample farthest from its centre: cluster 1 at ' +
        'iteration 0 (row 0)',
    );
    const twice = relocationWarning([
      { iteration: 0, cluster: 1, row: 0 },
      { iteration: 2, cluster: 0, row: 3 },
    ]);
    expect(twice.message).toMatch(/all its samples 2 times and was moved/);
  });

  it('counts a collapse of one sample in the singular', () => {
    const collapse = {
      component: 2,
      size: 1,
      reason: 'identical-samples' as const,
      iteration: 3,
    };
    expect(describeCollapse(collapse)).toMatch(
      /^Gaussian mixture component 2 \(1 sample\) collapsed at EM iteration 3/,
    );
  });

  it('counts one feature in the singular', async () => {
    const x = Float32Array.of(0, 0, 1, 1, 9, 9, 10, 10);
    const fitted = await kmeans(
      { x, nSamples: 4, nFeatures: 2 },
      { nClusters: 2, seed: 0 },
    );
    await expectError(
      () => fitted.predict(DATA),
      InvalidParameterError,
      'data has 1 feature, but the k-means model was fitted on 2; pass rows ' +
        "with the training data's features",
    );
  });
});
