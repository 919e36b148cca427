import { wasmBackend } from '@fixclust/backend-wasm';
import { Random } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

// tfjs's gradient functions, which this file's tf.grad calls need.
import './gradients.js';
import type { DataMatrix } from './data.js';
import { selectBalancedRun, sizeEntropy } from './fit-result.js';
import { representativeDeviations, variableFeaturesTerm } from './losses.js';
import { FixedRepresentativeClustering } from './model.js';
import {
  PRESETS,
  QUALITY_PRESETS,
  type FixedRepresentativeOptions,
  type PresetName,
} from './options.js';
import { resolveOptions } from './resolve-options.js';
import type { RunOutcome } from './train.js';

beforeAll(async () => {
  await wasmBackend().initialise();
});

const base = { nClusters: 4, seed: 1 };

function parameterOf(options: Partial<FixedRepresentativeOptions>): string {
  try {
    resolveOptions({ ...base, ...options } as FixedRepresentativeOptions);
  } catch (error) {
    return (error as { parameter?: string }).parameter ?? 'no parameter';
  }
  return 'accepted';
}

/** Four blobs in 6 dimensions with uniform noise, 40 samples each. */
function blobs(seed: number): DataMatrix & { x: Float32Array } {
  const random = new Random(seed);
  const nSamples = 160;
  const x = new Float32Array(nSamples * 6);
  for (let i = 0; i < nSamples; i++) {
    for (let j = 0; j < 6; j++) {
      x[i * 6 + j] = (j === i % 4 ? 1 : 0) + 0.25 * random.float();
    }
  }
  return { x, nSamples, nFeatures: 6 };
}

const small = { nClusters: 4, nRuns: 1, epochs: 3, batchSize: 32, seed: 5 };

async function fit(options: Partial<FixedRepresentativeOptions>) {
  const model = new FixedRepresentativeClustering({ ...small, ...options });
  return model.fit(blobs(1));
}

describe('resolveOptions training settings', () => {
  it('defaults to the published objective', () => {
    const options = resolveOptions(base);
    expect(options.deviationTarget).toBeNull();
    expect(options.runSelection).toBe('loss');
    expect(options.pretrainEpochs).toBe(0);
    expect(options.patience).toBeNull();
  });

  it.each([
    [{ deviationTarget: 0.5 }, 'accepted'],
    [{ deviationTarget: 'representatives' }, 'accepted'],
    [{ deviationTarget: null }, 'accepted'],
    [{ deviationTarget: 0 }, 'deviationTarget'],
    [{ deviationTarget: -1 }, 'deviationTarget'],
    [{ deviationTarget: Number.NaN }, 'deviationTarget'],
    [{ deviationTarget: Number.POSITIVE_INFINITY }, 'deviationTarget'],
    [{ deviationTarget: 'vertex' }, 'deviationTarget'],
    [{ patience: 3 }, 'accepted'],
    [{ patience: 0 }, 'patience'],
    [{ patience: 2.5 }, 'patience'],
    [{ runSelection: 'balance' }, 'accepted'],
    [{ runSelection: 'entropy' }, 'runSelection'],
    [{ pretrainEpochs: 2, autoencoder: { depth: 1 } }, 'accepted'],
    [{ pretrainEpochs: 2 }, 'pretrainEpochs'],
    [{ pretrainEpochs: -1, autoencoder: { depth: 1 } }, 'pretrainEpochs'],
    [{ pretrainEpochs: 1.5, autoencoder: { depth: 1 } }, 'pretrainEpochs'],
  ] as const)('checks %j', (options, parameter) => {
    expect(parameterOf(options as Partial<FixedRepresentativeOptions>)).toBe(
      parameter,
    );
  });

  it('names the fix for pretraining without autoencoder', () => {
    expect(() => resolveOptions({ ...base, pretrainEpochs: 3 })).toThrow(
      /set autoencoder\.depth to 1 or 2/,
    );
  });
});

describe('resolveOptions presets', () => {
  it('fills in every km-plus setting', () => {
    const options = resolveOptions({ ...base, preset: 'km-plus' });
    expect(options).toMatchObject(QUALITY_PRESETS['km-plus']);
  });

  it('fills in every km-plus-text setting', () => {
    const options = resolveOptions({ ...base, preset: 'km-plus-text' });
    expect(options).toMatchObject(QUALITY_PRESETS['km-plus-text']);
    expect(options.pca).toBe(100);
    expect(options.scaling).toBe('standard');
  });

  it('lets an explicit option override km-plus', () => {
    const options = resolveOptions({ ...base, preset: 'km-plus', nRuns: 2 });
    expect(options.nRuns).toBe(2);
    expect(options.learningRate).toBe(QUALITY_PRESETS['km-plus'].learningRate);
  });

  it.each(Object.keys(PRESETS))('keeps %s at the published setup', (name) => {
    const options = resolveOptions({ ...base, preset: name as PresetName });
    expect(options).toMatchObject({
      hiddenSizes: [32],
      learningRate: 1e-3,
      epochs: 10,
      nRuns: 10,
      deviationTarget: null,
      runSelection: 'loss',
      patience: null,
    });
  });

  it('lists every preset for an unknown name', () => {
    expect(() =>
      resolveOptions({ ...base, preset: 'toString' as PresetName }),
    ).toThrow(/presets: km1, km50, gmm1, cmm1, km-plus, km-plus-text/);
  });
});

describe('variableFeaturesTerm with a target', () => {
  // Column standard deviations: 1 (values ±1) and 3 (values ±3).
  const y = [
    [1, 3],
    [-1, -3],
  ];

  it('caps each deviation at its target', () => {
    const value = tf.tidy(
      () => variableFeaturesTerm(tf.tensor2d(y), 2, 0, [2, 2]).dataSync()[0]!,
    );
    // -2 · mean(min(1, 2), min(3, 2)) = -2 · 1.5
    expect(value).toBeCloseTo(-3, 5);
  });

  it('matches the plain term below the target', () => {
    const [capped, plain] = tf.tidy(() => [
      variableFeaturesTerm(tf.tensor2d(y), 2, 0, [5, 5]).dataSync()[0]!,
      variableFeaturesTerm(tf.tensor2d(y), 2, 0).dataSync()[0]!,
    ]);
    expect(capped).toBeCloseTo(plain, 6);
  });

  it('has no gradient beyond the target', () => {
    const gradient = tf.tidy(() => {
      const term = (m: tf.Tensor) =>
        variableFeaturesTerm(m as tf.Tensor2D, 1, 0, [2, 2]);
      return Array.from(tf.grad(term)(tf.tensor2d(y)).dataSync());
    });
    // Column 0 (std 1) still pulls apart; column 1 (std 3) is capped.
    expect(gradient[0]).not.toBe(0);
    expect(Math.abs(gradient[1]!)).toBe(0);
    expect(Math.abs(gradient[3]!)).toBe(0);
  });
});

describe('representativeDeviations', () => {
  it('is 0.6 per coordinate for 10 vertices', () => {
    const vertex = Array.from({ length: 10 }, (_, i) =>
      Array.from({ length: 10 }, (_, j) => (i === j ? 1 : -1)),
    );
    for (const value of representativeDeviations(vertex)) {
      expect(value).toBeCloseTo(0.6, 12);
    }
  });
});

describe('selectBalancedRun', () => {
  const run = (bestLoss: number, bestEpoch = 0) =>
    ({ record: { bestLoss, bestEpoch } }) as RunOutcome;
  const even = Int32Array.from([0, 1, 0, 1]);
  const skewed = Int32Array.from([0, 0, 0, 1]);

  it('keeps the most even sizes', () => {
    expect(selectBalancedRun([run(1), run(5)], [skewed, even], 2)).toBe(1);
  });

  it('breaks a tie by loss', () => {
    expect(selectBalancedRun([run(3), run(2)], [even, even], 2)).toBe(1);
  });

  it('prefers a trained run', () => {
    const untrained = run(Number.POSITIVE_INFINITY, -1);
    expect(selectBalancedRun([untrained, run(1)], [even, skewed], 2)).toBe(1);
  });

  it('measures entropy in nats', () => {
    expect(sizeEntropy(even, 2)).toBeCloseTo(Math.log(2), 12);
    expect(sizeEntropy(Int32Array.from([1, 1]), 2)).toBe(0);
  });
});

describe('fit with the training settings', () => {
  it('keeps the most balanced run', async () => {
    const result = await fit({ nRuns: 4, runSelection: 'balance', lambda: 5 });
    const entropies = result.runLabels.map((labels) => sizeEntropy(labels, 4));
    expect(entropies[result.bestRun]).toBe(Math.max(...entropies));
  });

  it('trains differently with a deviation target', async () => {
    // The untrained mapping spreads less than the representatives do, so
    // only a small cap binds within three epochs.
    const plain = await fit({});
    const capped = await fit({ deviationTarget: 0.05 });
    expect(capped.runs[0]!.epochLosses).not.toEqual(plain.runs[0]!.epochLosses);
  });

  it('stores the target in the options', async () => {
    const result = await fit({ deviationTarget: 0.3 });
    expect(result.options.deviationTarget).toBe(0.3);
  });

  it('pretrains the reconstruction first', async () => {
    const autoencoder = { depth: 1, sizes: [8] } as const;
    const result = await fit({ autoencoder, pretrainEpochs: 4 });
    const run = result.runs[0]!;
    expect(run.pretrainReconstruction).toHaveLength(4);
    expect(run.epochLosses).toHaveLength(3);
    const errors = run.pretrainReconstruction!;
    expect(errors[3]!).toBeLessThan(errors[0]!);
  });

  it('starts clustering from the pretrained autoencoder', async () => {
    const autoencoder = { depth: 1, sizes: [8] } as const;
    const plain = await fit({ autoencoder });
    const pretrained = await fit({ autoencoder, pretrainEpochs: 4 });
    const first = (r: typeof plain) => r.runs[0]!.epochReconstruction![0]!;
    expect(first(pretrained)).toBeLessThan(first(plain));
  });

  it('warns when pretraining diverges', async () => {
    const result = await fit({
      autoencoder: { depth: 1, sizes: [8], decoderActivation: 'linear' },
      pretrainEpochs: 3,
      optimizer: 'sgd',
      learningRate: 1e12,
    });
    const codes = result.warnings.map((warning) => warning.code);
    expect(codes).toContain('non-finite-loss');
    expect(result.runs[0]!.epochLosses).toHaveLength(0);
    expect(result.runs[0]!.bestEpoch).toBe(-1);
  });

  it('stops a stalled run early', async () => {
    // A learning rate this large makes the loss jump around, so some epoch
    // fails to improve on the best one well before the 30th.
    const result = await fit({ epochs: 30, patience: 1, learningRate: 0.5 });
    const run = result.runs[0]!;
    expect(run.epochLosses.length).toBeLessThan(30);
    expect(run.epochLosses.length).toBe(run.bestEpoch + 2);
  });

  it('trains every epoch without patience', async () => {
    const result = await fit({ epochs: 30, learningRate: 0.5 });
    expect(result.runs[0]!.epochLosses).toHaveLength(30);
  });

  it('frees every tensor', async () => {
    const before = tf.memory().numTensors;
    await fit({
      autoencoder: { depth: 1, sizes: [8] },
      pretrainEpochs: 1,
      deviationTarget: 'representatives',
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
