import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

import { InvalidParameterError } from './errors.js';
import { describeValue } from './validate.js';

/** Largest seed accepted: seeds are 32-bit unsigned integers. */
export const MAX_SEED = 0xffffffff;

/**
 * Checks that `seed` is an integer in [0, 2^32 - 1]. Zero is a valid seed.
 *
 * @throws InvalidParameterError when it is not.
 */
export function assertSeed(seed: number, parameter = 'seed'): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new InvalidParameterError(
      parameter,
      seed,
      `${parameter} must be an integer between 0 and ${MAX_SEED}, got ` +
        describeValue(seed),
    );
  }
}

/**
 * Seeded pseudo-random generator (xoroshiro128+ from `pure-rand`).
 *
 * Every random choice fixclust makes (weight initialisation, shuffling,
 * sampling) draws from one of these, created from the seed the caller passed,
 * so a run is reproducible on the same backend.
 */
export class Random {
  /** Seed this generator was created from. */
  readonly seed: number;
  private readonly generator: JumpableRandomGenerator;

  /** @throws InvalidParameterError when `seed` is not a valid seed. */
  constructor(seed: number) {
    assertSeed(seed);
    this.seed = seed;
    this.generator = xoroshiro128plus(seed);
  }

  /** Draws a float uniformly from [0, 1), with 53 random bits. */
  float(): number {
    return uniformFloat64(this.generator);
  }

  /** Draws an integer uniformly from [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1) {
      throw new InvalidParameterError(
        'n',
        n,
        `n must be a positive integer, got ${describeValue(n)}`,
      );
    }
    return uniformInt(this.generator, 0, n - 1);
  }

  /** Draws a new seed, for handing to a child generator or a tensor op. */
  nextSeed(): number {
    return uniformInt(this.generator, 0, MAX_SEED);
  }

  /** Creates an independent generator seeded from this one. */
  fork(): Random {
    return new Random(this.nextSeed());
  }

  /** Shuffles `values` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(
    values: T,
  ): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = uniformInt(this.generator, 0, i);
      const swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
    return values;
  }

  /** Returns a uniformly random permutation of 0 … n - 1. */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return this.shuffle(order);
  }

  /**
   * Draws `k` distinct indices uniformly from [0, n), in increasing order.
   *
   * @throws InvalidParameterError when `k` is not an integer in [0, n].
   */
  sample(n: number, k: number): Int32Array {
    if (!Number.isInteger(k) || k < 0 || k > n) {
      throw new InvalidParameterError(
        'k',
        k,
        `sample size must be an integer between 0 and ${n}, got ` +
          describeValue(k),
      );
    }
    return this.permutation(n)
      .subarray(0, k)
      .sort((a, b) => a - b);
  }
}
