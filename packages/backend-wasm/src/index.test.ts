import { existsSync } from 'node:fs';

import { InvalidParameterError } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { wasmBackend, wasmFilesDirectory } from './index.js';

describe('wasmFilesDirectory', () => {
  it('holds the SIMD and plain builds', () => {
    const directory = wasmFilesDirectory();
    expect(directory.endsWith('/')).toBe(true);
    expect(existsSync(`${directory}tfjs-backend-wasm-simd.wasm`)).toBe(true);
    expect(existsSync(`${directory}tfjs-backend-wasm.wasm`)).toBe(true);
  });
});

describe('wasmBackend', () => {
  it('rejects wasmPaths without a trailing slash', () => {
    expect(() => wasmBackend({ wasmPaths: '/wasm' })).toThrow(
      InvalidParameterError,
    );
    expect(() => wasmBackend({ wasmPaths: '/wasm' })).toThrow(
      /wasmPaths must be a folder path or URL prefix ending in "\/", got "\/wasm"/,
    );
  });

  it('starts from the installed package and becomes active', async () => {
    const info = await wasmBackend().initialise();
    expect(info).toEqual({
      name: 'wasm',
      version: '4.22.0',
      threads: 1,
      details: 'SIMD on',
    });
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.add(tf.tensor1d([1, 2]), 1).dataSync()).toEqual(
      new Float32Array([2, 3]),
    );
  });
});
