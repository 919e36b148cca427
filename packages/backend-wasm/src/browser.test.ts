import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { wasmBackend } from './browser.js';
import { wasmFilesDirectory } from './index.js';

describe('browser entry', () => {
  it('bundles for the browser without Node built-ins', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./browser.ts', import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/["']node:/);
    expect(code).toContain('setWasmPaths');
  });

  it('starts from the wasmPaths it is given', async () => {
    const candidate = wasmBackend({ wasmPaths: wasmFilesDirectory() });
    const info = await candidate.initialise();
    expect(info.name).toBe('wasm');
    expect(info.details).toBe('SIMD on');
    expect(tf.getBackend()).toBe('wasm');
  });
});
