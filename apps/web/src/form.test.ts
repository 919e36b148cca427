import { InvalidParameterError } from '@fixclust/core';
import { PRESETS } from '@fixclust/model';
import { describe, expect, it } from 'vitest';

import { readSettings, type SettingsFields } from './form.js';
import { PRESET_NAMES } from './protocol.js';

const fields: SettingsFields = {
  preset: 'gmm1',
  clusters: '3',
  epochs: '2',
  runs: '1',
  seed: '0',
  batchSize: '',
  learningRate: '',
  backend: 'cpu',
};

describe('readSettings', () => {
  it('reads the fields', () => {
    expect(readSettings(fields)).toEqual({
      preset: 'gmm1',
      nClusters: 3,
      epochs: 2,
      nRuns: 1,
      seed: 0,
      backend: 'cpu',
    });
  });

  it('reads batch size and learning rate', () => {
    const settings = readSettings({
      ...fields,
      batchSize: '16',
      learningRate: '1e-2',
    });
    expect(settings.batchSize).toBe(16);
    expect(settings.learningRate).toBe(0.01);
  });

  it('rejects a count that is not whole', () => {
    expect(() => readSettings({ ...fields, epochs: '2.5' })).toThrow(
      'epochs must be a whole number such as 3, got "2.5"',
    );
    expect(() => readSettings({ ...fields, clusters: '' })).toThrow(
      InvalidParameterError,
    );
    expect(() => readSettings({ ...fields, seed: '-1' })).toThrow(/seed/);
  });

  it('rejects a learning rate that is not a number', () => {
    expect(() => readSettings({ ...fields, learningRate: 'fast' })).toThrow(
      'learning rate must be a number such as 0.001, got "fast"',
    );
  });

  it('rejects unknown choices', () => {
    expect(() => readSettings({ ...fields, preset: 'km2' })).toThrow(
      'preset must be one of km1, km50, gmm1, cmm1, got "km2"',
    );
    expect(() => readSettings({ ...fields, backend: 'webgpu' })).toThrow(
      /backend must be one of wasm, cpu/,
    );
  });
});

describe('PRESET_NAMES', () => {
  it('matches the model presets', () => {
    expect([...PRESET_NAMES]).toEqual(Object.keys(PRESETS));
  });
});
