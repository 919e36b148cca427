import { wasmBackend } from '@fixclust/backend-wasm';
import { Random } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { batchTensor, type DataMatrix } from './data.js';
import { disposeRepresentatives, representativeTensors } from './losses.js';
import { FixedRepresentativeClustering } from './model.js';
import { initialiseNetwork, NetworkVariables } from './network/index.js';
import { resolveOptions } from './resolve-options.js';
import { createOptimizer, trainingStep } from './train.js';

beforeAll(async () => {
  await wasmBackend().initialise();
});

/** Four Gaussian blobs in 6 dimensions, 40 samples each. */
function blobs(seed: number): DataMatrix & { x: Float32Array } {
  const random = new Random(seed);
  const nSamples = 160;
  const x = new Float32Array(nSamples * 6);
  for (let i = 0; i < nSamples; i++) {
    for (let j = 0; j < 6; j++) {
      x[i * 6 + j] = (j === i % 4 ? 4 : 0) + random.float() - 0.5;
    }
  }
  return { x, nSamples, nFeatures: 6 };
}

const small = { nClusters: 4, nRuns: 1, epochs: 3, batchSize: 32, seed: 5 };

async function fit(options: Record<string, unknown>, data = blobs(1)) {
  const model = new FixedRepresentativeClustering({ ...small, ...options });
  const result = await model.fit(data);
  return { model, result };
}

function squaredNorm(model: FixedRepresentativeClustering): number {
  return model
    .fittedState!.weights.layers.flatMap((l) => Array.from(l.weight))
    .reduce((sum, w) => sum + w * w, 0);
}

describe('optimizer', () => {
  it('trains differently with sgd', async () => {
    const adam = await fit({});
    const sgd = await fit({ optimizer: 'sgd' });
    expect(sgd.result.options.optimizer).toBe('sgd');
    expect(sgd.result.runs[0]!.epochLosses).not.toEqual(
      adam.result.runs[0]!.epochLosses,
    );
  });

  it('creates the named tfjs optimizer', () => {
    const sgd = createOptimizer({ optimizer: 'sgd', learningRate: 0.5 });
    const adam = createOptimizer({ optimizer: 'adam', learningRate: 0.5 });
    expect(sgd).toBeInstanceOf(tf.SGDOptimizer);
    expect(adam).toBeInstanceOf(tf.AdamOptimizer);
    sgd.dispose();
    adam.dispose();
  });
});

describe('shuffle', () => {
  /** Trains one epoch by hand on the rows in their stored order. */
  async function sequentialEpoch(data: DataMatrix, runSeed: number) {
    const options = resolveOptions({ ...small, epochs: 1, seed: 5 });
    const shape = {
      inputSize: 6,
      hiddenSizes: [32],
      outputSize: 4,
      hiddenActivation: 'tanh' as const,
      outputActivation: 'linear' as const,
    };
    const network = new NetworkVariables(
      initialiseNetwork(shape, new Random(runSeed)),
    );
    const points = [0, 1, 2, 3].map((i) =>
      [0, 1, 2, 3].map((j) => (i === j ? 1 : -1)),
    );
    const representatives = representativeTensors(points);
    const optimizer = createOptimizer(options);
    const order = Int32Array.from({ length: data.nSamples }, (_, i) => i);
    for (let start = 0; start < data.nSamples; start += 32) {
      const x = batchTensor(data, order, start, start + 32);
      await trainingStep({ options, representatives }, network, optimizer, x);
      x.dispose();
    }
    const weights = await network.read();
    network.dispose();
    optimizer.dispose();
    disposeRepresentatives(representatives);
    return weights;
  }

  it('keeps the row order when off', async () => {
    const data = blobs(2);
    const { model, result } = await fit({ shuffle: false, epochs: 1 }, data);
    const expected = await sequentialEpoch(data, result.runs[0]!.seed);
    expect(model.fittedState!.weights.layers).toEqual(expected.layers);
  });

  it('reorders the rows when on', async () => {
    const data = blobs(2);
    const { model, result } = await fit({ epochs: 1 }, data);
    const sequential = await sequentialEpoch(data, result.runs[0]!.seed);
    expect(model.fittedState!.weights.layers).not.toEqual(sequential.layers);
  });
});

describe('l2', () => {
  it('shrinks the mapping weights', async () => {
    const options = { epochs: 20, learningRate: 0.01 };
    const free = await fit(options);
    const penalised = await fit({ ...options, l2: 1 });
    expect(squaredNorm(penalised.model)).toBeLessThan(
      0.5 * squaredNorm(free.model),
    );
  });

  it('adds its penalty to the loss', async () => {
    const free = await fit({ epochs: 1 });
    const penalised = await fit({ epochs: 1, l2: 1 });
    expect(penalised.result.runs[0]!.epochLosses[0]!).toBeGreaterThan(
      free.result.runs[0]!.epochLosses[0]!,
    );
  });
});

describe('outputActivation', () => {
  it('bounds the mapped space with tanh', async () => {
    const data = blobs(3);
    const { model } = await fit({ outputActivation: 'tanh', lambda: 50 }, data);
    const mapped = await model.transform(data);
    expect(mapped.every((v) => v > -1 && v < 1)).toBe(true);
    const layers = model.fittedState!.weights.layers;
    expect(layers[layers.length - 1]!.activation).toBe('tanh');
  });

  it('is linear by default', async () => {
    const data = blobs(3);
    const { model } = await fit({ lambda: 50 }, data);
    const mapped = await model.transform(data);
    expect(mapped.some((v) => Math.abs(v) > 1)).toBe(true);
  });
});

describe('mapping depth', () => {
  it.each([
    [[], [[6, 4]]],
    [
      [8],
      [
        [6, 8],
        [8, 4],
      ],
    ],
    [
      [8, 7, 5],
      [
        [6, 8],
        [8, 7],
        [7, 5],
        [5, 4],
      ],
    ],
  ])('builds hiddenSizes %j', async (hiddenSizes, shapes) => {
    const { model, result } = await fit({ hiddenSizes });
    const layers = model.fittedState!.weights.layers;
    expect(layers.map((l) => [l.inputSize, l.outputSize])).toEqual(shapes);
    expect(result.runs[0]!.epochLosses.every(Number.isFinite)).toBe(true);
  });

  it('maps linearly at depth 0', async () => {
    const data = blobs(4);
    const { model } = await fit({ hiddenSizes: [] }, data);
    const [layer] = model.fittedState!.weights.layers;
    const mapped = await model.transform(data);
    for (let c = 0; c < 4; c++) {
      let expected = layer!.bias[c]!;
      for (let j = 0; j < 6; j++) {
        expected += data.x[j]! * layer!.weight[j * 4 + c]!;
      }
      expect(mapped[c]).toBeCloseTo(expected, 4);
    }
  });
});

describe('representativeInit', () => {
  it('draws uniform representatives of the layout dimension', async () => {
    const { result } = await fit({ representativeInit: 'uniform' });
    const points = result.representatives;
    expect(points).toHaveLength(4);
    expect(points.every((row) => row.length === 4)).toBe(true);
    expect(points.flat().every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('uses the dimension option', async () => {
    const { result } = await fit({
      representatives: 'orthogonal',
      representativeInit: 'uniform',
      dimension: 6,
    });
    expect(result.representatives[0]).toHaveLength(6);
  });

  it('repeats for a seed and differs from the layout', async () => {
    const first = await fit({ representativeInit: 'uniform' });
    const again = await fit({ representativeInit: 'uniform' });
    const layout = await fit({});
    expect(again.result.representatives).toEqual(first.result.representatives);
    expect(layout.result.representatives).not.toEqual(
      first.result.representatives,
    );
  });
});
