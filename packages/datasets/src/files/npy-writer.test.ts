import { InvalidParameterError } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import { encodeNpyHeader } from './npy-writer.js';

describe('encodeNpyHeader', () => {
  it('pads the header to 128 bytes', () => {
    const bytes = encodeNpyHeader('<f4', [3, 2]);
    const text = new TextDecoder().decode(bytes.subarray(10));
    expect(bytes).toHaveLength(128);
    expect(text).toMatch(/^\{'descr': '<f4', 'fortran_order': False, /);
    expect(text).toContain("'shape': (3, 2), }");
  });

  it('rejects a missing type string', () => {
    const encode = () => encodeNpyHeader(null as unknown as string, [1]);
    expect(encode).toThrow(InvalidParameterError);
    expect(encode).toThrow(
      "descr must be a NumPy type string such as '<f4' or '<i4', got null",
    );
  });

  it('rejects a type string with a quote', () => {
    expect(() => encodeNpyHeader("<f4', 'x", [1])).toThrow(
      /^descr must be a NumPy type string/,
    );
  });

  it('rejects a missing shape', () => {
    const encode = () =>
      encodeNpyHeader('<f4', undefined as unknown as number[]);
    expect(encode).toThrow(
      'shape must be an array of dimension sizes such as [100, 784], got ' +
        'undefined',
    );
  });

  it('rejects a string size', () => {
    expect(() =>
      encodeNpyHeader('<f4', [3, '2'] as unknown as number[]),
    ).toThrow('shape[1] must be an integer at least 0, got the string "2"');
  });
});
