import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  arrayStream,
  BackendUnavailableError,
  InvalidDataError,
  InvalidParameterError,
  Random,
  registerRepresentativeType,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DataMatrix } from './data.js';
import { buildRepresentatives } from './fit-setup.js';
import {
  FixedRepresentativeClustering,
  selectBalancedRun,
  selectBestRun,
} from './model.js';
import { initialiseNetwork } from './network/index.js';
import type { FixedRepresentativeOptions } from './options.js';
import { loadModel, saveModel } from './persistence/files.js';
import { networkShapeOf } from './state-arrays.js';
import { RunWorkerPool } from './worker-pool.js';

// No backend is started in this file, which runs in its own process, so
// every check here runs before any tensor work.

const data = {
  x: Float32Array.from([0, 0, 0, 1, 1, 0, 5, 5, 5, 6, 6, 5]),
  nSamples: 6,
  nFeatures: 2,
};

const quick = { nClusters: 2, nRuns: 1, epochs: 2, seed: 0 };

/** Builds a model with untrained weights, as loading one does. */
function untrainedModel(
  options: FixedRepresentativeOptions = quick,
): FixedRepresentativeClustering {
  const model = new FixedRepresentativeClustering(options);
  const shape = networkShapeOf(model.options, 2, 2, undefined);
  return FixedRepresentativeClustering.fromFitted(options, {
    nFeatures: 2,
    points: [
      [1, -1],
      [-1, 1],
    ],
    weights: initialiseNetwork(shape, new Random(0)),
    training: { bestRun: 0, bestEpoch: 0, bestLoss: 0 },
  });
}

/** Returns what `promise` rejects with, or fails when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('without a backend', () => {
  it('has no backend registered', () => {
    expect(tf.engine().backendNames()).toEqual([]);
  });

  it('fit names the missing backend', async () => {
    const model = new FixedRepresentativeClustering(quick);
    const error = await rejection(model.fit(data));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toBe(
      'fit needs a compute backend, but no TensorFlow.js backend is ' +
        'registered; install a backend package such as ' +
        '@fixclust/backend-wasm and start it first, for example with ' +
        '`await selectBackend({ candidates: [wasmBackend()] })`, ' +
        'selectBackend coming from @fixclust/core',
    );
  });

  it('fit on a stream names the missing backend', async () => {
    const model = new FixedRepresentativeClustering(quick);
    const error = await rejection(model.fit(arrayStream(data, 4)));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/^fit needs a compute backend/);
  });

  it.each(['predict', 'transform'] as const)(
    '%s names the missing backend',
    async (method) => {
      const error = await rejection(untrainedModel()[method](data));
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect(error.message).toMatch(
        new RegExp(`^${method} needs a compute backend`),
      );
    },
  );

  it('predictProba names the missing backend', async () => {
    const model = untrainedModel({ ...quick, preset: 'gmm1' });
    const error = await rejection(model.predictProba(data));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/^predictProba needs a compute backend/);
  });

  it('predict on a stream names the missing backend', async () => {
    const error = await rejection(untrainedModel().predict(arrayStream(data)));
    expect(error).toBeInstanceOf(BackendUnavailableError);
  });
});

describe('constructor arguments', () => {
  it.each([
    ['missing', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a number', 4, '4'],
  ])('rejects %s options', (_, options, shown) => {
    expect(
      () =>
        new FixedRepresentativeClustering(
          options as unknown as FixedRepresentativeOptions,
        ),
    ).toThrow(`options must be an object of options, got ${shown}`);
  });
});

describe('fit arguments', () => {
  const model = new FixedRepresentativeClustering(quick);

  it('rejects null data', async () => {
    const error = await rejection(model.fit(null as unknown as DataMatrix));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toBe(
      'data must be an object { x, nSamples, nFeatures } with x a ' +
        'row-major Float32Array or a CSR matrix, got null',
    );
  });

  it('shows how to pass an array of rows', async () => {
    const rows = [
      [0, 0],
      [1, 1],
    ];
    const error = await rejection(model.fit(rows as unknown as DataMatrix));
    expect(error.message).toBe(
      'data must be an object { x, nSamples, nFeatures } with x a ' +
        'row-major Float32Array or a CSR matrix, got an array of 2; for ' +
        'an array of rows pass { x: Float32Array.from(rows.flat()), ' +
        'nSamples: rows.length, nFeatures: rows[0].length }',
    );
  });

  it('rejects rows as x', async () => {
    const rows = { x: [[0, 0]], nSamples: 1, nFeatures: 2 };
    const error = await rejection(model.fit(rows as unknown as DataMatrix));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toMatch(
      /^data\.x must be a Float32Array of this realm or a CSR matrix, got an array of 1;/,
    );
  });

  it('rejects nSamples given as a string', async () => {
    const wrong = { ...data, nSamples: '6' } as unknown as DataMatrix;
    const error = await rejection(model.fit(wrong));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toBe(
      'data.nSamples must be an integer at least 0, got the string "6"',
    );
  });

  it('rejects a missing nFeatures', async () => {
    const wrong = { x: data.x, nSamples: 6 } as unknown as DataMatrix;
    const error = await rejection(model.fit(wrong));
    expect(error.message).toBe(
      'data.nFeatures must be an integer at least 0, got undefined',
    );
  });

  it('rejects a CSR matrix passed as data', async () => {
    const csr = {
      format: 'csr' as const,
      nRows: 2,
      nCols: 2,
      indptr: Int32Array.from([0, 1, 2]),
      indices: Int32Array.from([0, 1]),
      data: Float32Array.from([1, 2]),
    };
    const error = await rejection(model.fit(csr as unknown as DataMatrix));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toBe(
      'data is a CSR matrix, but it must be an object { x, nSamples, ' +
        'nFeatures }; pass { x: csr, nSamples: csr.nRows, nFeatures: ' +
        'csr.nCols }, or the data set that loadSparseDataset returns',
    );
  });

  it('rejects a backend that is not a BackendInfo', async () => {
    const error = await rejection(model.fit(data, { backend: 5 } as never));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe('backend');
    expect(error.message).toBe(
      'backend must be a BackendInfo { name, version, threads }, such as ' +
        'selectBackend from @fixclust/core returns in its backend field, ' +
        'got 5',
    );
  });

  it.each([
    [
      { name: 'wasm', threads: 1 },
      'backend.version must be a non-empty string, got undefined',
    ],
    [
      { name: '', version: '1', threads: 1 },
      'backend.name must be a non-empty string, got the string ""',
    ],
    [
      { name: 'wasm', version: '1', threads: '2' },
      'backend.threads must be an integer at least 1, got the string "2"',
    ],
    [
      { name: 'wasm', version: '1', threads: 1, detail: 'SIMD on' },
      'backend.detail is not an option; the options are name, version, ' +
        'threads, details',
    ],
  ])('rejects backend %o', async (backend, message) => {
    const error = await rejection(model.fit(data, { backend } as never));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toBe(message);
  });

  it('names a model option passed to fit', async () => {
    const options = { epochs: 50, bakend: 'wasm' };
    const error = await rejection(model.fit(data, options as never));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toBe(
      'epochs is an option of the model, not of fit; pass it to new ' +
        'FixedRepresentativeClustering({ ..., epochs }) instead',
    );
  });

  it('rejects an unknown fit option', async () => {
    const error = await rejection(model.fit(data, { bakend: 'wasm' } as never));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe('bakend');
    expect(error.message).toBe(
      'bakend is not an option; the options are onEpochEnd, ' +
        'onPcaProgress, signal, epochSample, backend, blockSize, ' +
        'blocksPerShuffle, workers, backendModule, pool',
    );
  });

  it.each(['blockSize', 'blocksPerShuffle'])(
    'rejects %s for data in memory, which reads no blocks',
    async (name) => {
      const error = await rejection(model.fit(data, { [name]: 4 }));
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error.message).toBe(
        `${name} applies only to a StreamingDataset, but the data is in ` +
          `memory; remove ${name}, or wrap the data with ` +
          'arrayStream(data, blockSize) from @fixclust/core to train in blocks',
      );
    },
  );

  it('rejects null fit options', async () => {
    const error = await rejection(model.fit(data, null as never));
    expect(error.message).toBe(
      'fitOptions must be an object of options, got null',
    );
  });

  it('rejects a callback that is not a function', async () => {
    const error = await rejection(
      model.fit(data, { onEpochEnd: 'log' } as never),
    );
    expect(error.message).toBe(
      'onEpochEnd must be a function, got the string "log"',
    );
  });

  it('rejects a signal that is not an AbortSignal', async () => {
    const error = await rejection(model.fit(data, { signal: true } as never));
    expect(error.message).toBe(
      'signal must be an AbortSignal, such as new AbortController().signal, ' +
        'got boolean true',
    );
  });

  it('rejects a pool that is not a RunWorkerPool', async () => {
    const error = await rejection(model.fit(data, { pool: {} } as never));
    expect(error.message).toBe(
      'pool must be a RunWorkerPool from RunWorkerPool.start(), got an ' +
        'object',
    );
  });

  it('names an epochSample that is not an object', async () => {
    const error = await rejection(model.fit(data, { epochSample: 5 } as never));
    expect(error.message).toMatch(
      /^epochSample must be an object \{ x, nSamples, nFeatures \}/,
    );
  });
});

describe('predict arguments', () => {
  it.each(['predict', 'transform'] as const)(
    '%s rejects missing data',
    async (method) => {
      const model = untrainedModel();
      const error = await rejection(
        model[method](undefined as unknown as DataMatrix),
      );
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error.message).toMatch(
        /^data must be an object \{ x, nSamples, nFeatures \}.*got undefined$/,
      );
    },
  );

  it('fromFitted rejects a missing state', () => {
    expect(() =>
      FixedRepresentativeClustering.fromFitted(quick, undefined as never),
    ).toThrow('state must be an object of options, got undefined');
  });
});

describe('save and load arguments', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-arguments-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('loadModel rejects a number', async () => {
    const error = await rejection(loadModel(42 as unknown as string));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toBe(
      "directory must be the path of the model's folder, a non-empty " +
        'string, got 42',
    );
  });

  it('saveModel rejects something other than a model', async () => {
    const error = await rejection(saveModel({} as never, directory));
    expect(error.message).toBe(
      'model must be a FixedRepresentativeClustering, got an object',
    );
  });

  it('saveModel rejects an unknown option', async () => {
    const save = saveModel(untrainedModel(), join(directory, 'model'), {
      onWeightWritten: () => undefined,
    } as never);
    const error = await rejection(save);
    expect(error.message).toBe(
      'onWeightWritten is not an option; the options are onWeightsWritten',
    );
  });

  it('saveModel rejects a path that is a file', async () => {
    const file = join(directory, 'a-file');
    await writeFile(file, 'text');
    const error = await rejection(saveModel(untrainedModel(), file));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toBe(
      `cannot save into ${JSON.stringify(file)} because it is a file, not ` +
        'a directory; pass the path of a directory, new or existing',
    );
  });

  it('saves and loads without a backend', async () => {
    const path = join(directory, 'saved');
    await saveModel(untrainedModel(), path);
    const loaded = await loadModel(path);
    expect(loaded.fittedState?.points).toEqual([
      [1, -1],
      [-1, 1],
    ]);
  });
});

describe('RunWorkerPool.start arguments', () => {
  it('rejects an unknown option before starting threads', async () => {
    const start = RunWorkerPool.start({
      threads: 1,
      backend: 'wasm',
      backendModul: 'file:///backends.js',
    } as never);
    const error = await rejection(start);
    expect(error.message).toBe(
      'backendModul is not an option; the options are threads, backend, ' +
        'backendModule',
    );
  });

  it('rejects a missing backend name', async () => {
    const start = RunWorkerPool.start({
      threads: 1,
      backendModule: 'file:///backends.js',
    } as never);
    const error = await rejection(start);
    expect(error.message).toBe(
      `backend must be the name of the fits' backend, such as "wasm", ` +
        'got undefined',
    );
  });
});

describe('built-in representative names', () => {
  it('reject a plug-in named vertex before any fit', () => {
    const plugin = {
      name: 'vertex',
      description: 'points on a line',
      defaultDimension: () => 1,
      create: ({ nClusters }: { nClusters: number }) =>
        Array.from({ length: nClusters }, (_, i) => [i]),
    };
    expect(() => registerRepresentativeType(plugin)).toThrow(
      'representative type "vertex" is a built-in type of ' +
        '@fixclust/representatives; pass { replace: true } to replace it',
    );
    const model = new FixedRepresentativeClustering(quick);
    expect(buildRepresentatives(model.options, new Random(0))).toEqual([
      [1, -1],
      [-1, 1],
    ]);
  });
});

describe('run selection arguments', () => {
  it('selectBestRun rejects missing runs', () => {
    expect(() => selectBestRun(null as never)).toThrow(InvalidParameterError);
    expect(() => selectBestRun(null as never)).toThrow(
      'runs must be a non-empty array of trained runs, each with a ' +
        'record.bestLoss, got null',
    );
  });

  it('selectBestRun rejects no runs', () => {
    expect(() => selectBestRun([])).toThrow(/^runs must be a non-empty/);
  });

  it('selectBalancedRun rejects labels of another count', () => {
    const run = { record: { bestLoss: 1, bestEpoch: 0 } } as never;
    expect(() => selectBalancedRun([run, run], [new Int32Array(2)], 2)).toThrow(
      'runLabels must be an array of 2 Int32Arrays, one per run, got an ' +
        'array of 1',
    );
  });
});
