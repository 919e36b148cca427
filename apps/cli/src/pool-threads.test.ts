import { describe, expect, it } from 'vitest';

import { poolThreads } from './workers.js';

describe('poolThreads', () => {
  it('is one fewer than the workers', () => {
    expect(poolThreads(4, {}, undefined)).toBe(3);
    expect(poolThreads(1, {}, 'km50')).toBe(0);
  });

  it('is capped by --runs and by a preset that sets the runs', () => {
    expect(poolThreads(8, { nRuns: 3 }, undefined)).toBe(2);
    expect(poolThreads(8, {}, 'km-plus')).toBe(3);
    expect(poolThreads(8, { nRuns: 6 }, 'km-plus')).toBe(5);
  });

  it('is zero when the runs share one optimizer state', () => {
    expect(poolThreads(4, { shareOptimizerState: true }, undefined)).toBe(0);
  });
});
