import { describe, expect, it } from 'vitest';

import { BackendUnavailableError } from './errors.js';
import {
  assertTensorBackendStarted,
  requireTensorBackend,
  type TensorBackendApi,
} from './tensor-backend.js';

/** Builds a stand-in for the tfjs namespace with the given backend state. */
function fakeTfjs(
  names: string[],
  backend: () => unknown,
  ready: () => Promise<void> = () => Promise.resolve(),
): TensorBackendApi {
  return {
    engine: () => ({
      backendNames: () => names,
      get backend() {
        return backend();
      },
    }),
    ready,
  };
}

const started = fakeTfjs(['cpu'], () => ({}));
const empty = fakeTfjs([], () => {
  throw new Error('No backend found in registry.');
});
const pending = fakeTfjs(['wasm'], () => {
  throw new Error("The highest priority backend 'wasm' has not yet been");
});

describe('requireTensorBackend', () => {
  it('passes with a started backend', async () => {
    await expect(requireTensorBackend('kmeans', started)).resolves.toBe(
      undefined,
    );
  });

  it('names the operation without a backend', async () => {
    const check = requireTensorBackend('kmeans', empty);
    await expect(check).rejects.toThrow(BackendUnavailableError);
    await expect(check).rejects.toThrow(
      /^kmeans needs a compute backend, but no TensorFlow\.js backend is registered; install a backend package such as @fixclust\/backend-wasm/,
    );
  });

  it('names a backend that fails to start', async () => {
    const failing = fakeTfjs(
      ['wasm'],
      () => ({}),
      () => Promise.reject(new Error('no WebAssembly')),
    );
    await expect(requireTensorBackend('pca', failing)).rejects.toThrow(
      /^pca needs a compute backend, but no registered TensorFlow\.js backend \(wasm\) started: no WebAssembly;/,
    );
  });
});

describe('assertTensorBackendStarted', () => {
  it('passes with a started backend', () => {
    expect(() => assertTensorBackendStarted('predict', started)).not.toThrow();
  });

  it('names the operation without a backend', () => {
    expect(() => assertTensorBackendStarted('predict', empty)).toThrow(
      /^predict needs a compute backend, but no TensorFlow\.js backend is registered;/,
    );
  });

  it('names a backend still starting', () => {
    expect(() => assertTensorBackendStarted('transform', pending)).toThrow(
      BackendUnavailableError,
    );
    expect(() => assertTensorBackendStarted('transform', pending)).toThrow(
      /^transform needs a started compute backend, but the registered TensorFlow\.js backends \(wasm\) have not started: The highest priority backend 'wasm'/,
    );
  });
});
