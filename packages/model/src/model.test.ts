import { wasmBackend } from '@fixclust/backend-wasm';
import {
  InvalidDataError,
  InvalidParameterError,
  Random,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { FixedRepresentativeClustering, selectBestRun } from './model.js';
import { initialiseNetwork } from './network/index.js';
import { resolveOptions } from './resolve-options.js';
import type { DataMatrix } from './data.js';

type DenseMatrix = DataMatrix & { x: Float32Array };
import type { RunOutcome, TrainingRecord } from './train.js';

/** Four Gaussian blobs in 6 dimensions, 50 samples each. */
function blobs(seed: number, nPerBlob = 50): DenseMatrix {
  const random = new Random(seed);
  const nFeatures = 6;
  const nSamples = 4 * nPerBlob;
  const x = new Float32Array(nSamples * nFeatures);
  for (let i = 0; i < nSamples; i++) {
    const blob = i % 4;
    for (let j = 0; j < nFeatures; j++) {
      const centre = j === blob ? 4 : 0;
      x[i * nFeatures + j] = centre + (random.float() - 0.5);
    }
  }
  return { x, nSamples, nFeatures };
}

const smallFit = { nClusters: 4, nRuns: 2, epochs: 3, batchSize: 32 };

beforeAll(async () => {
  await wasmBackend().initialise();
});

describe('FixedRepresentativeClustering', () => {
  it('labels every sample with a cluster in range', async () => {
    const result = await new FixedRepresentativeClustering({
      ...smallFit,
      seed: 3,
    }).fit(blobs(1));
    expect(result.labels).toHaveLength(200);
    expect(result.initLabels).toHaveLength(200);
    expect(result.labels.every((l) => l >= 0 && l < 4)).toBe(true);
  });

  it('repeats labels for the same seed', async () => {
    const data = blobs(2);
    const first = await new FixedRepresentativeClustering({
      ...smallFit,
      seed: 11,
    }).fit(data);
    const second = await new FixedRepresentativeClustering({
      ...smallFit,
      seed: 11,
    }).fit(data);
    expect(Array.from(second.labels)).toEqual(Array.from(first.labels));
    expect(second.runs).toEqual(first.runs);
  });

  it('accepts 0 as a seed', async () => {
    const result = await new FixedRepresentativeClustering({
      ...smallFit,
      nRuns: 1,
      epochs: 1,
      seed: 0,
    }).fit(blobs(3));
    expect(result.seed).toBe(0);
  });

  it('derives different run seeds from different fit seeds', async () => {
    const data = blobs(2);
    const a = await new FixedRepresentativeClustering({
      ...smallFit,
      seed: 1,
    }).fit(data);
    const b = await new FixedRepresentativeClustering({
      ...smallFit,
      seed: 2,
    }).fit(data);
    expect(a.runs[0]!.seed).not.toBe(b.runs[0]!.seed);
    expect(a.runs[0]!.epochLosses).not.toEqual(b.runs[0]!.epochLosses);
  });

  it('records one loss per epoch and the best epoch', async () => {
    const result = await new FixedRepresentativeClustering({
      ...smallFit,
      seed: 5,
    }).fit(blobs(4));
    for (const run of result.runs) {
      expect(run.epochLosses).toHaveLength(3);
      expect(run.bestLoss).toBe(Math.min(...run.epochLosses));
      expect(run.bestEpoch).toBe(run.epochLosses.indexOf(run.bestLoss));
    }
    const bestLosses = result.runs.map((r) => r.bestLoss);
    expect(result.bestRun).toBe(bestLosses.indexOf(Math.min(...bestLosses)));
  });

  it('keeps the weights of the best epoch, not the last', async () => {
    // A large learning rate makes the loss bounce, so the best epoch comes
    // before the last. A run cut at the best epoch must then give the same
    // model as the longer run, because both follow the same seeded path.
    const data = blobs(6);
    const options = { ...smallFit, nRuns: 1, learningRate: 0.3, seed: 9 };
    const long = new FixedRepresentativeClustering({ ...options, epochs: 8 });
    const longResult = await long.fit(data);
    const bestEpoch = longResult.runs[0]!.bestEpoch;
    expect(bestEpoch).toBeLessThan(7);

    const cut = new FixedRepresentativeClustering({
      ...options,
      epochs: bestEpoch + 1,
    });
    await cut.fit(data);
    expect(Array.from(await long.transform(data))).toEqual(
      Array.from(await cut.transform(data)),
    );
  });

  it('leaks no tensors in fit, predict and transform', async () => {
    const data = blobs(7);
    const model = new FixedRepresentativeClustering({ ...smallFit, seed: 1 });
    const before = tf.memory().numTensors;
    await model.fit(data);
    expect(tf.memory().numTensors).toBe(before);
    await model.predict(data);
    await model.transform(data);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('predicts in batches the same as in one piece', async () => {
    const data = blobs(8);
    const options = { ...smallFit, seed: 4 };
    const whole = new FixedRepresentativeClustering(options);
    const chunked = new FixedRepresentativeClustering({
      ...options,
      predictBatchSize: 7,
    });
    const a = await whole.fit(data);
    const b = await chunked.fit(data);
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
  });

  it('maps into k dimensions', async () => {
    const data = blobs(9);
    const model = new FixedRepresentativeClustering({ ...smallFit, seed: 2 });
    await model.fit(data);
    expect(await model.transform(data)).toHaveLength(200 * 4);
  });

  it('stops on abort and keeps the best so far', async () => {
    const controller = new AbortController();
    const model = new FixedRepresentativeClustering({
      ...smallFit,
      nRuns: 3,
      epochs: 5,
      seed: 1,
    });
    const result = await model.fit(blobs(10), {
      signal: controller.signal,
      onEpochEnd: ({ epoch }) => {
        if (epoch === 1) controller.abort();
      },
    });
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]!.aborted).toBe(true);
    expect(result.labels).toHaveLength(200);
    expect(result.warnings).toContainEqual({
      code: 'aborted',
      message:
        'training was stopped by the abort signal after 1 of 3 runs ' +
        'started (run 0 was cut short), so the result uses the best ' +
        'weights trained before the stop',
    });
  });

  it('warns when an abort stops runs between runs', async () => {
    const controller = new AbortController();
    const model = new FixedRepresentativeClustering({
      ...smallFit,
      nRuns: 3,
      epochs: 2,
      seed: 1,
    });
    const result = await model.fit(blobs(10), {
      signal: controller.signal,
      onEpochEnd: ({ run, epoch }) => {
        if (run === 0 && epoch === 1) controller.abort();
      },
    });
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]!.aborted).toBe(false);
    expect(result.warnings.map((w) => w.message)).toContain(
      'training was stopped by the abort signal after 1 of 3 runs ' +
        'started (no run was cut short), so the result uses the best ' +
        'weights trained before the stop',
    );
  });

  it('gives no abort warning after training ends', async () => {
    const controller = new AbortController();
    const model = new FixedRepresentativeClustering({ ...smallFit, seed: 1 });
    const result = await model.fit(blobs(10), {
      signal: controller.signal,
      onEpochEnd: ({ run, epoch }) => {
        if (run === 1 && epoch === 2) controller.abort();
      },
    });
    expect(result.runs).toHaveLength(2);
    expect(result.warnings.map((w) => w.code)).not.toContain('aborted');
  });

  it('reports each epoch to the callback', async () => {
    const seen: string[] = [];
    await new FixedRepresentativeClustering({ ...smallFit, seed: 1 }).fit(
      blobs(11),
      { onEpochEnd: (p) => seen.push(`${p.run}:${p.epoch}`) },
    );
    expect(seen).toEqual(['0:0', '0:1', '0:2', '1:0', '1:1', '1:2']);
  });
});

describe('input checks', () => {
  it.each([0, -1, 2.5])('rejects nClusters %s', (nClusters) => {
    expect(
      () => new FixedRepresentativeClustering({ ...smallFit, nClusters }),
    ).toThrow(`nClusters must be an integer at least 1, got ${nClusters}`);
  });

  it('rejects more clusters than samples', async () => {
    const model = new FixedRepresentativeClustering({
      ...smallFit,
      nClusters: 201,
    });
    await expect(model.fit(blobs(1))).rejects.toThrow(
      'nClusters must be an integer between 1 and the number of samples (200), got 201',
    );
  });

  it('names the first non-finite row and column', async () => {
    const data = blobs(1);
    data.x[3 * 6 + 2] = Number.NaN;
    data.x[5 * 6 + 1] = Number.POSITIVE_INFINITY;
    const model = new FixedRepresentativeClustering(smallFit);
    await expect(model.fit(data)).rejects.toThrow(
      'data contains NaN at row 3, column 2',
    );
  });

  it('names infinite values', async () => {
    const data = blobs(1);
    data.x[7] = Number.NEGATIVE_INFINITY;
    const model = new FixedRepresentativeClustering(smallFit);
    await expect(model.fit(data)).rejects.toThrow(
      'data contains -Infinity at row 1, column 1',
    );
  });

  it('rejects empty data', async () => {
    const model = new FixedRepresentativeClustering(smallFit);
    const empty = { x: new Float32Array(0), nSamples: 0, nFeatures: 6 };
    await expect(model.fit(empty)).rejects.toBeInstanceOf(InvalidDataError);
  });

  it('starts no training on bad input', async () => {
    let epochs = 0;
    const model = new FixedRepresentativeClustering({
      ...smallFit,
      nClusters: 500,
    });
    await expect(
      model.fit(blobs(1), { onEpochEnd: () => (epochs += 1) }),
    ).rejects.toBeInstanceOf(InvalidParameterError);
    expect(epochs).toBe(0);
  });

  it.each([
    ['lambda', { lambda: -1 }],
    ['epochs', { epochs: 0 }],
    ['batchSize', { batchSize: 1.5 }],
    ['learningRate', { learningRate: Number.NaN }],
    ['seed', { seed: -3 }],
    ['hiddenSizes[1]', { hiddenSizes: [32, 0] }],
  ])('rejects a bad %s when constructed', (parameter, options) => {
    expect(
      () => new FixedRepresentativeClustering({ ...smallFit, ...options }),
    ).toThrow(expect.objectContaining({ parameter }));
  });

  it('rejects predict before fit', async () => {
    const model = new FixedRepresentativeClustering(smallFit);
    await expect(model.predict(blobs(1))).rejects.toThrow(/not fitted yet/);
  });

  it('rejects predict with another feature count', async () => {
    const model = new FixedRepresentativeClustering({ ...smallFit, nRuns: 1 });
    await model.fit(blobs(1));
    const other = { x: new Float32Array(10), nSamples: 2, nFeatures: 5 };
    await expect(model.predict(other)).rejects.toThrow(
      'data has 5 features, but the model was fitted on 6',
    );
  });
});

describe('presets', () => {
  it.each([
    ['km1', 1],
    ['km50', 50],
  ] as const)('%s sets the km loss and lambda %i', (preset, lambda) => {
    const options = resolveOptions({ nClusters: 3, preset });
    expect(options.loss).toBe('km');
    expect(options.lambda).toBe(lambda);
  });

  it('lets an explicit lambda override the preset', () => {
    expect(resolveOptions({ nClusters: 3, lambda: 20 }).lambda).toBe(20);
  });

  it('defaults to the published training setup', () => {
    const options = resolveOptions({ nClusters: 3, seed: 1 });
    expect(options).toMatchObject({
      loss: 'km',
      lambda: 50,
      hiddenSizes: [32],
      activation: 'tanh',
      learningRate: 1e-3,
      batchSize: 128,
      epochs: 10,
      nRuns: 10,
      representatives: 'vertex',
    });
  });
});

describe('initialiseNetwork', () => {
  const shape = {
    inputSize: 784,
    hiddenSizes: [32],
    outputSize: 10,
    hiddenActivation: 'tanh' as const,
    outputActivation: 'linear' as const,
  };

  it('differs between seeds', () => {
    const a = initialiseNetwork(shape, new Random(1));
    const b = initialiseNetwork(shape, new Random(2));
    expect(a.layers[0]!.weight).not.toEqual(b.layers[0]!.weight);
  });

  it('repeats for one seed', () => {
    const a = initialiseNetwork(shape, new Random(1));
    const b = initialiseNetwork(shape, new Random(1));
    expect(a).toEqual(b);
  });

  it('draws Glorot-uniform weights and zero biases', () => {
    const network = initialiseNetwork(shape, new Random(4));
    const [hidden, output] = network.layers;
    const limit = Math.sqrt(6 / (784 + 32));
    expect(hidden!.weight.every((w) => Math.abs(w) <= limit)).toBe(true);
    expect(Math.max(...hidden!.weight)).toBeGreaterThan(0.95 * limit);
    expect(hidden!.bias.every((b) => b === 0)).toBe(true);
    expect(output!.activation).toBe('linear');
    expect([output!.inputSize, output!.outputSize]).toEqual([32, 10]);
  });
});

describe('selectBestRun', () => {
  function outcome(bestLoss: number): RunOutcome {
    const record: TrainingRecord = {
      run: 0,
      seed: 0,
      epochLosses: [],
      bestEpoch: 0,
      bestLoss,
      aborted: false,
    };
    const weights = { layers: [] };
    return {
      record,
      initialWeights: weights,
      bestWeights: weights,
      warnings: [],
    };
  }

  it('picks the lowest best loss', () => {
    expect(selectBestRun([3, -2, 1].map(outcome))).toBe(1);
  });

  it('keeps the earliest of equal losses', () => {
    expect(selectBestRun([5, 1, 1].map(outcome))).toBe(1);
  });

  it('never picks a run without a finished epoch', () => {
    expect(selectBestRun([Infinity, 4].map(outcome))).toBe(1);
  });
});

/** Two tight blobs far apart, repeated in 4 dimensions. */
function twoBlobs(seed: number): DenseMatrix {
  const random = new Random(seed);
  const nSamples = 200;
  const x = new Float32Array(nSamples * 4);
  for (let i = 0; i < nSamples; i++) {
    const centre = i % 2 === 0 ? 0 : 10;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = centre + random.float() - 0.5;
  }
  return { x, nSamples, nFeatures: 4 };
}

describe('degenerate results', () => {
  it('warns of the collapse of km1 with k = 4', async () => {
    const result = await new FixedRepresentativeClustering({
      nClusters: 4,
      preset: 'km1',
      nRuns: 3,
      epochs: 5,
      seed: 1,
    }).fit(twoBlobs(1));
    expect(result.warnings.map((w) => w.code)).toContain('collapse');
    expect(result.collapsedRuns).toBe(3);
    expect(result.runs.every((r) => r.collapsed)).toBe(true);
  });

  it('gives no warning on balanced clusters', async () => {
    const result = await new FixedRepresentativeClustering({
      nClusters: 2,
      nRuns: 2,
      epochs: 30,
      learningRate: 0.01,
      seed: 1,
    }).fit(twoBlobs(2));
    expect(result.warnings).toEqual([]);
    expect(result.collapsedRuns).toBe(0);
    expect(result.emptyClusters).toEqual([]);
    const truth = Array.from({ length: 200 }, (_, i) => i % 2);
    const agreement = truth.filter((t, i) => t === result.labels[i]).length;
    expect(Math.max(agreement, 200 - agreement)).toBeGreaterThanOrEqual(198);
  });

  it('records cluster sizes for every run', async () => {
    const result = await new FixedRepresentativeClustering({
      ...smallFit,
      seed: 2,
    }).fit(blobs(13));
    for (const run of result.runs) {
      expect(run.clusterSizes).toHaveLength(4);
      expect(run.clusterSizes.reduce((a, b) => a + b, 0)).toBe(200);
    }
    expect(result.clusterSizes).toEqual(
      result.runs[result.bestRun]!.clusterSizes,
    );
  });
});

describe('predictProba', () => {
  it.each(['gmm1', 'cmm1'] as const)('sums to 1 for %s', async (preset) => {
    const data = blobs(14);
    const model = new FixedRepresentativeClustering({
      ...smallFit,
      preset,
      seed: 3,
    });
    const result = await model.fit(data);
    const proba = await model.predictProba(data);
    expect(proba).toHaveLength(200 * 4);
    for (let i = 0; i < 200; i++) {
      const row = Array.from(proba.subarray(i * 4, i * 4 + 4));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(row.indexOf(Math.max(...row))).toBe(result.labels[i]);
    }
  });

  it('rejects the km loss', async () => {
    const model = new FixedRepresentativeClustering({ ...smallFit, nRuns: 1 });
    await model.fit(blobs(1));
    await expect(model.predictProba(blobs(1))).rejects.toThrow(
      /predictProba needs a mixture loss/,
    );
  });
});

describe('shareOptimizerState', () => {
  it('carries Adam state into later runs', async () => {
    const data = blobs(15);
    const options = { ...smallFit, nRuns: 2, seed: 8 };
    const separate = await new FixedRepresentativeClustering(options).fit(data);
    const shared = await new FixedRepresentativeClustering({
      ...options,
      shareOptimizerState: true,
    }).fit(data);
    expect(shared.runs[0]!.epochLosses).toEqual(separate.runs[0]!.epochLosses);
    expect(shared.runs[1]!.epochLosses).not.toEqual(
      separate.runs[1]!.epochLosses,
    );
  });

  it('leaks no tensors when shared', async () => {
    const before = tf.memory().numTensors;
    await new FixedRepresentativeClustering({
      ...smallFit,
      shareOptimizerState: true,
      seed: 1,
    }).fit(blobs(16));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('sparse input', () => {
  it('gives the labels of the same data dense', async () => {
    const dense = blobs(17);
    const indptr = new Int32Array(dense.nSamples + 1);
    const indices: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < dense.nSamples; i++) {
      for (let j = 0; j < dense.nFeatures; j++) {
        const value = dense.x[i * dense.nFeatures + j]!;
        // Zero out small entries so the matrix is really sparse.
        if (value > 1) {
          indices.push(j);
          values.push(value);
        } else {
          dense.x[i * dense.nFeatures + j] = 0;
        }
      }
      indptr[i + 1] = indices.length;
    }
    const sparse = {
      x: {
        format: 'csr' as const,
        nRows: dense.nSamples,
        nCols: dense.nFeatures,
        indptr,
        indices: Int32Array.from(indices),
        data: Float32Array.from(values),
      },
      nSamples: dense.nSamples,
      nFeatures: dense.nFeatures,
    };
    const options = { ...smallFit, seed: 6, predictBatchSize: 33 };
    const a = await new FixedRepresentativeClustering(options).fit(dense);
    const b = await new FixedRepresentativeClustering(options).fit(sparse);
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(b.runs).toEqual(a.runs);
  });
});
