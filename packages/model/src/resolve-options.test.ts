import { describe, expect, it } from 'vitest';

import type { FixedRepresentativeOptions } from './options.js';
import { resolveOptions } from './resolve-options.js';

const base = { nClusters: 4, seed: 1 };

function parameterOf(options: Partial<FixedRepresentativeOptions>): string {
  try {
    resolveOptions({ ...base, ...options } as FixedRepresentativeOptions);
  } catch (error) {
    return (error as { parameter?: string }).parameter ?? 'no parameter';
  }
  return 'accepted';
}

describe('resolveOptions defaults', () => {
  it('fills in every new option', () => {
    const options = resolveOptions(base);
    expect(options).toMatchObject({
      scaling: 'none',
      pca: null,
      optimizer: 'adam',
      shuffle: true,
      l2: 0,
      outputActivation: 'linear',
      representativeInit: 'layout',
      network: 'mlp',
      imageShape: null,
      filters: null,
      autoencoder: { depth: 0 },
      trainableLocations: false,
      trainableLogits: false,
      trainableScale: false,
      representativeVariance: 0,
      uniformLogits: 0,
      klDivergence: 0,
    });
  });

  it('gives the CNN its default filters', () => {
    expect(resolveOptions({ ...base, network: 'cnn' }).filters).toEqual([
      64, 128,
    ]);
  });

  it.each([
    [1, [32], [128]],
    [2, [32], [128, 64]],
    [1, [], [4]],
    [2, [], [128, 4]],
  ] as const)(
    'sizes autoencoder depth %i with hiddenSizes %j',
    (depth, hiddenSizes, sizes) => {
      const options = resolveOptions({
        ...base,
        hiddenSizes,
        autoencoder: { depth },
      });
      expect(options.autoencoder).toEqual({
        depth,
        sizes,
        decoderActivation: 'sigmoid',
        reconstructionWeight: 1,
      });
    },
  );

  it('takes the code size from dimension', () => {
    const options = resolveOptions({
      ...base,
      hiddenSizes: [],
      dimension: 7,
      autoencoder: { depth: 1 },
    });
    expect(options.autoencoder).toMatchObject({ sizes: [7] });
  });

  it('resolves its own output again unchanged', () => {
    const first = resolveOptions({
      ...base,
      network: 'cnn',
      autoencoder: { depth: 2 },
      loss: 'gmm',
      trainableScale: true,
      klDivergence: 0.1,
      scaling: 'minmax',
    });
    expect(resolveOptions(first)).toEqual(first);
  });
});

describe('resolveOptions checks', () => {
  it.each([
    ['scaling', { scaling: 'robust' }],
    ['pca', { pca: 0 }],
    ['pca', { pca: 2.5 }],
    ['pca', { pca: 10, network: 'cnn' }],
    ['optimizer', { optimizer: 'rmsprop' }],
    ['shuffle', { shuffle: 'yes' }],
    ['l2', { l2: -0.1 }],
    ['l2', { l2: Number.NaN }],
    ['outputActivation', { outputActivation: 'softmax' }],
    ['hiddenSizes', { hiddenSizes: [8, 8, 8, 8] }],
    ['representativeInit', { representativeInit: 'random' }],
    ['network', { network: 'rnn' }],
    ['imageShape', { imageShape: [16, 16] }],
    ['filters', { filters: [8] }],
    ['filters', { network: 'cnn', filters: [] }],
    ['filters[1]', { network: 'cnn', filters: [8, 0] }],
    ['imageShape', { network: 'cnn', imageShape: [15, 17] }],
    ['imageShape', { network: 'cnn', imageShape: [18, 18] }],
    ['imageShape', { network: 'cnn', imageShape: [16] }],
    ['autoencoder', { autoencoder: 2 }],
    ['autoencoder.size', { autoencoder: { depth: 1, size: [8] } }],
    ['scalling', { scalling: 'standard' }],
    ['autoencoder.depth', { autoencoder: { depth: 3 } }],
    ['autoencoder.sizes', { autoencoder: { depth: 0, sizes: [8] } }],
    ['autoencoder.sizes', { autoencoder: { depth: 2, sizes: [8] } }],
    ['autoencoder.sizes[0]', { autoencoder: { depth: 1, sizes: [0] } }],
    [
      'autoencoder.decoderActivation',
      { autoencoder: { depth: 1, decoderActivation: 'tanh' } },
    ],
    [
      'autoencoder.reconstructionWeight',
      { autoencoder: { depth: 1, reconstructionWeight: 0 } },
    ],
    [
      'autoencoder.reconstructionWeight',
      { autoencoder: { depth: 0, reconstructionWeight: 2 } },
    ],
    ['trainableLocations', { trainableLocations: true }],
    ['trainableLogits', { trainableLogits: true }],
    ['trainableScale', { trainableScale: true }],
    ['trainableScale', { loss: 'gmm', trainableScale: 1 }],
    ['representativeVariance', { representativeVariance: 1 }],
    ['uniformLogits', { uniformLogits: 1 }],
    ['klDivergence', { klDivergence: 1 }],
    ['representativeVariance', { loss: 'gmm', representativeVariance: 1 }],
    ['uniformLogits', { loss: 'cmm', uniformLogits: 1 }],
    ['klDivergence', { loss: 'gmm', trainableLogits: true, klDivergence: 1 }],
    ['klDivergence', { loss: 'cmm', trainableScale: true, klDivergence: 1 }],
    [
      'uniformLogits',
      { loss: 'gmm', trainableLogits: true, uniformLogits: -1 },
    ],
  ])('names %s', (parameter, options) => {
    expect(parameterOf(options as Partial<FixedRepresentativeOptions>)).toBe(
      parameter,
    );
  });

  it.each([
    { hiddenSizes: [] },
    { hiddenSizes: [8, 8, 8] },
    { loss: 'gmm', trainableLocations: true, representativeVariance: 1 },
    { loss: 'cmm', trainableLogits: true, uniformLogits: 0.5 },
    { loss: 'gmm', trainableScale: true, klDivergence: 0.01 },
    { trainableLocations: false, uniformLogits: 0 },
    { network: 'cnn', imageShape: [16, 16, 3], filters: [4, 8] },
    { scaling: 'standard', pca: 20 },
  ])('accepts %j', (options) => {
    expect(parameterOf(options as Partial<FixedRepresentativeOptions>)).toBe(
      'accepted',
    );
  });

  it('says why a mixture option fails with km', () => {
    expect(() => resolveOptions({ ...base, trainableLocations: true })).toThrow(
      'trainableLocations applies only to the mixture losses (gmm, cmm), ' +
        'but loss is "km"',
    );
  });

  it('says why 15 × 17 images fail', () => {
    expect(() =>
      resolveOptions({ ...base, network: 'cnn', imageShape: [15, 17] }),
    ).toThrow(
      'network "cnn" needs square images, but imageShape [15, 17] is 15 × 17, not square',
    );
  });
});
