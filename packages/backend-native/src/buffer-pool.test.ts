import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { BufferPool } from './buffer-pool.js';
import { nativeBackend } from './index.js';
import { describeWithAddon } from './test-support/addon.js';

describe('BufferPool', () => {
  it('recycles a released array', () => {
    const pool = new BufferPool(4);
    const array = pool.take(8);
    pool.retain(array);
    pool.release(array);
    expect(pool.bytesFree).toBe(32);
    expect(pool.take(8)).toBe(array);
    expect(pool.bytesFree).toBe(0);
  });

  it('keeps an array while a data entry holds it', () => {
    const pool = new BufferPool(4);
    const array = pool.take(8);
    pool.retain(array);
    pool.retain(array);
    pool.release(array);
    expect(pool.take(8)).not.toBe(array);
    pool.release(array);
    expect(pool.take(8)).toBe(array);
  });

  it('never recycles an exposed array', () => {
    const pool = new BufferPool(4);
    const array = pool.take(8);
    pool.retain(array);
    pool.expose(array);
    pool.release(array);
    expect(pool.bytesFree).toBe(0);
    expect(pool.take(8)).not.toBe(array);
  });

  it('ignores arrays it did not allocate', () => {
    const pool = new BufferPool(4);
    const foreign = new Float32Array(8);
    pool.retain(foreign);
    pool.release(foreign);
    expect(pool.bytesFree).toBe(0);
  });

  it('leaves short arrays to the allocator', () => {
    const pool = new BufferPool(16);
    const array = pool.take(8);
    pool.retain(array);
    pool.release(array);
    expect(pool.bytesFree).toBe(0);
  });

  it('stops keeping arrays past maxFreeBytes', () => {
    const pool = new BufferPool(4, 40);
    const first = pool.take(8);
    const second = pool.take(8);
    for (const array of [first, second]) {
      pool.retain(array);
      pool.release(array);
    }
    expect(pool.bytesFree).toBe(32);
  });
});

describeWithAddon('native backend memory', () => {
  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    await nativeBackend({ engine: 'addon' }).initialise();
  });

  const big = () => tf.fill([64, 64], 1);

  it('dataSync arrays survive disposal', () => {
    const a = big();
    const sum = tf.add(a, a);
    const values = sum.dataSync();
    const copy = Array.from(values);
    tf.dispose([a, sum]);
    // Later kernels of the same size would reuse a recycled array.
    tf.dispose(tf.tidy(() => [tf.mul(tf.fill([64, 64], 3), 5)]));
    expect(Array.from(values)).toEqual(copy);
  });

  it('slices survive disposal of their source', () => {
    const source = tf.add(big(), tf.reshape(tf.range(0, 4096), [64, 64]));
    const rows = tf.slice(source, [10, 0], [20, 64]);
    const expected = Array.from(tf.tidy(() => tf.add(rows, 0).dataSync()));
    source.dispose();
    tf.dispose(tf.tidy(() => [tf.mul(tf.fill([64, 64], 7), 3)]));
    expect(Array.from(rows.dataSync())).toEqual(expected);
    rows.dispose();
  });

  it('recycled outputs are fully written', () => {
    const first = tf.tidy(() => tf.mul(tf.fill([64, 64], 2), 99));
    first.dispose();
    const second = tf.tidy(() =>
      tf.matMul(tf.ones([64, 64]), tf.zeros([64, 64])),
    );
    expect(Array.from(second.dataSync()).every((v) => v === 0)).toBe(true);
    second.dispose();
  });
});
