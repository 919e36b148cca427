import { describe, expect, it } from 'vitest';

import { RunClaims } from './run-claims.js';

describe('RunClaims', () => {
  it('hands out every run once, in run order', () => {
    const claims = RunClaims.create(3);
    const other = new RunClaims(new Int32Array(claims.buffer), 3);
    expect([claims.take(), other.take(), claims.take()]).toEqual([0, 1, 2]);
    expect(other.take()).toBeUndefined();
    expect(claims.take()).toBeUndefined();
  });

  it('starts no run after a stop and counts those before it', () => {
    const claims = RunClaims.create(5);
    claims.take();
    claims.take();
    expect(claims.stop()).toBe(2);
    expect(claims.take()).toBeUndefined();
  });

  it('counts at most every run when stopped after the last', () => {
    const claims = RunClaims.create(2);
    for (let i = 0; i < 4; i++) claims.take();
    expect(claims.stop()).toBe(2);
  });
});
