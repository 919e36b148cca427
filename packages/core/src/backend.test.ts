import { describe, expect, it } from 'vitest';

import {
  selectBackend,
  type BackendCandidate,
  type BackendInfo,
} from './backend.js';
import { BackendUnavailableError, InvalidParameterError } from './errors.js';

function working(name: string): BackendCandidate {
  const info: BackendInfo = { name, version: '1.0.0', threads: 1 };
  return { name, initialise: async () => info };
}

function failing(name: string, reason: string): BackendCandidate {
  return {
    name,
    initialise: async () => {
      throw new Error(reason);
    },
  };
}

const noEnv = {};

describe('selectBackend', () => {
  it('keeps the first candidate that starts', async () => {
    const selection = await selectBackend({
      candidates: [failing('native', 'addon not built'), working('wasm')],
      env: noEnv,
    });
    expect(selection.backend.name).toBe('wasm');
    expect(selection.skipped).toEqual([
      { name: 'native', reason: 'addon not built' },
    ]);
  });

  it('uses the backend option over the order', async () => {
    const selection = await selectBackend({
      candidates: [working('wasm'), working('cpu')],
      backend: 'cpu',
      env: noEnv,
    });
    expect(selection.backend.name).toBe('cpu');
  });

  it('reads FIXCLUST_BACKEND', async () => {
    const selection = await selectBackend({
      candidates: [working('wasm'), working('cpu')],
      env: { FIXCLUST_BACKEND: 'cpu' },
    });
    expect(selection.backend.name).toBe('cpu');
  });

  it('prefers the option to FIXCLUST_BACKEND', async () => {
    const selection = await selectBackend({
      candidates: [working('wasm'), working('cpu')],
      backend: 'wasm',
      env: { FIXCLUST_BACKEND: 'cpu' },
    });
    expect(selection.backend.name).toBe('wasm');
  });

  it('fails when the requested backend fails', async () => {
    const selection = selectBackend({
      candidates: [failing('wasm', 'no SIMD'), working('cpu')],
      backend: 'wasm',
      env: noEnv,
    });
    await expect(selection).rejects.toThrow(
      'backend "wasm" failed to start: no SIMD',
    );
  });

  it('names the available backends for an unknown one', async () => {
    const selection = selectBackend({
      candidates: [working('wasm'), working('cpu')],
      backend: 'tpu',
      env: noEnv,
    });
    await expect(selection).rejects.toThrow(
      'unknown backend "tpu"; available: wasm, cpu',
    );
    await expect(selection).rejects.toBeInstanceOf(InvalidParameterError);
  });

  it('lists every reason when none starts', async () => {
    const selection = selectBackend({
      candidates: [failing('native', 'no addon'), failing('wasm', 'no SIMD')],
      env: noEnv,
    });
    await expect(selection).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(selection).rejects.toThrow('native: no addon; wasm: no SIMD');
  });
});
