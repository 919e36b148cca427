import { InvalidParameterError } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { webgpuBackend } from './index.js';
import { resolveWebgpuOptions, type DawnBackend } from './options.js';

describe('resolveWebgpuOptions', () => {
  it('fills in defaults', () => {
    expect(resolveWebgpuOptions({})).toEqual({
      dawnBackend: 'default',
      allowSoftwareAdapter: false,
    });
  });

  it('keeps given values', () => {
    expect(
      resolveWebgpuOptions({
        dawnBackend: 'opengles',
        allowSoftwareAdapter: true,
      }),
    ).toEqual({ dawnBackend: 'opengles', allowSoftwareAdapter: true });
  });

  it('rejects an unknown Dawn backend', () => {
    const options = { dawnBackend: 'metal' as DawnBackend };
    expect(() => resolveWebgpuOptions(options)).toThrow(
      'dawnBackend must be one of default, opengles, vulkan, got "metal"',
    );
  });

  it('rejects a non-boolean allowSoftwareAdapter', () => {
    const options = { allowSoftwareAdapter: 'yes' as unknown as boolean };
    expect(() => resolveWebgpuOptions(options)).toThrow(InvalidParameterError);
  });
});

describe('webgpuBackend', () => {
  it('checks options when called', () => {
    const options = { dawnBackend: 'd3d12' as DawnBackend };
    expect(() => webgpuBackend(options)).toThrow(InvalidParameterError);
  });

  it('loads nothing before initialise', () => {
    const candidate = webgpuBackend({ dawnBackend: 'opengles' });
    expect(candidate.name).toBe('webgpu');
    expect('GPUBufferUsage' in globalThis).toBe(false);
    const scope = globalThis as { navigator?: { gpu?: unknown } };
    expect(scope.navigator?.gpu).toBeUndefined();
    expect(tf.findBackendFactory('webgpu')).toBeNull();
  });
});
