import { describe, expect, it } from 'vitest';

import {
  formatAdapter,
  softwareRendererOf,
  type AdapterDescription,
} from './adapter.js';

describe('softwareRendererOf', () => {
  const cases: Array<[string, Partial<GPUAdapterInfo>, string | undefined]> = [
    [
      'Mesa llvmpipe on OpenGL ES',
      {
        vendor: '',
        architecture: '',
        device: 'llvmpipe-llvm-15-0-6-256-bits-',
        description: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6',
      },
      'llvmpipe',
    ],
    [
      'Mesa lavapipe on Vulkan',
      {
        vendor: 'mesa',
        device: 'llvmpipe (LLVM 15.0.6, 256 bits)',
        description: 'Mesa 22.3.6 (LLVM 15.0.6)',
      },
      'llvmpipe',
    ],
    [
      'SwiftShader',
      {
        vendor: 'google',
        architecture: 'swiftshader',
        device: 'SwiftShader Device (Subzero)',
      },
      'SwiftShader',
    ],
    [
      'Microsoft WARP',
      { vendor: 'microsoft', description: 'Microsoft Basic Render Driver' },
      'WARP',
    ],
    [
      'an adapter flagged as fallback',
      { vendor: 'unknown', isFallbackAdapter: true },
      'fallback adapter',
    ],
    [
      'an NVIDIA GPU',
      {
        vendor: 'nvidia',
        architecture: 'hopper',
        device: '',
        description: 'NVIDIA H200',
        isFallbackAdapter: false,
      },
      undefined,
    ],
    [
      'an Intel GPU',
      { vendor: 'intel', architecture: 'gen-12lp', description: '' },
      undefined,
    ],
  ];

  it.each(cases)('classifies %s', (_, info, expected) => {
    expect(softwareRendererOf(info)).toBe(expected);
  });
});

describe('formatAdapter', () => {
  const llvmpipe: AdapterDescription = {
    vendor: '',
    architecture: '',
    device: 'llvmpipe-llvm-15-0-6-256-bits-',
    description: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6',
    dawnBackend: 'opengles',
    featureLevel: 'compatibility',
    softwareRenderer: 'llvmpipe',
  };

  it('lists names, backend and feature level', () => {
    expect(formatAdapter(llvmpipe)).toBe(
      'llvmpipe-llvm-15-0-6-256-bits-, OpenGL version OpenGL ES 3.2 ' +
        'Mesa 22.3.6; Dawn opengles backend; compatibility feature level; ' +
        'software renderer llvmpipe',
    );
  });

  it('names an adapter without info strings', () => {
    const hardware: AdapterDescription = {
      ...llvmpipe,
      device: '',
      description: '',
      dawnBackend: 'default',
      featureLevel: 'core',
      softwareRenderer: undefined,
    };
    expect(formatAdapter(hardware)).toBe(
      'unnamed adapter; Dawn default backend; core feature level',
    );
  });
});
