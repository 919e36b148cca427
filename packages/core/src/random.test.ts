import { describe, expect, it } from 'vitest';

import { InvalidParameterError } from './errors.js';
import { Random } from './random.js';

describe('Random', () => {
  it('repeats its sequence for the same seed', () => {
    const a = new Random(42);
    const b = new Random(42);
    expect([a.float(), a.int(100), a.nextSeed()]).toEqual([
      b.float(),
      b.int(100),
      b.nextSeed(),
    ]);
  });

  it('differs between seeds', () => {
    expect(new Random(1).float()).not.toBe(new Random(2).float());
  });

  it('accepts 0 as a seed', () => {
    expect(new Random(0).seed).toBe(0);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 32])('rejects seed %s', (seed) => {
    expect(() => new Random(seed)).toThrow(InvalidParameterError);
  });

  it('shows a string seed as a string', () => {
    expect(() => new Random('1' as unknown as number)).toThrow(
      'seed must be an integer between 0 and 4294967295, got the string "1"',
    );
  });

  it('draws floats in [0, 1)', () => {
    const random = new Random(3);
    for (let i = 0; i < 1000; i++) {
      const value = random.float();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('returns a permutation', () => {
    const order = Array.from(new Random(5).permutation(50));
    expect([...order].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it('samples distinct sorted indices', () => {
    const sample = Array.from(new Random(7).sample(1000, 100));
    expect(new Set(sample).size).toBe(100);
    expect(sample).toEqual([...sample].sort((a, b) => a - b));
    expect(sample.every((i) => i >= 0 && i < 1000)).toBe(true);
  });

  it('rejects a sample larger than the population', () => {
    expect(() => new Random(7).sample(3, 4)).toThrow(
      'sample size must be an integer between 0 and 3, got 4',
    );
  });

  it('shows a string count as a string', () => {
    expect(() => new Random(7).sample(3, '2' as unknown as number)).toThrow(
      'sample size must be an integer between 0 and 3, got the string "2"',
    );
    expect(() => new Random(7).int('2' as unknown as number)).toThrow(
      'n must be a positive integer, got the string "2"',
    );
  });
});
