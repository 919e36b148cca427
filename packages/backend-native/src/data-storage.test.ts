import type * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { SlotDataStorage } from './data-storage.js';

/** Creates a storage whose mover records requests and supplies `moved`. */
function storage(moved?: { id: object; value: string }) {
  const requests: object[] = [];
  const owner = {} as tf.KernelBackend;
  let store: SlotDataStorage<string>;
  const mover: tf.DataMover = {
    moveData: (_backend, dataId) => {
      requests.push(dataId);
      if (moved !== undefined && dataId === moved.id) {
        store.set(moved.id, moved.value);
      }
    },
  };
  store = new SlotDataStorage<string>(owner, mover);
  return { store, requests };
}

describe('SlotDataStorage', () => {
  it('stores, finds and deletes entries', () => {
    const { store } = storage();
    const id = { id: 1 };
    store.set(id, 'a');
    expect(store.has(id)).toBe(true);
    expect(store.get(id)).toBe('a');
    expect(store.numDataIds()).toBe(1);
    expect(store.delete(id)).toBe(true);
    expect(store.has(id)).toBe(false);
    expect(store.numDataIds()).toBe(0);
  });

  it('keeps instances apart', () => {
    const first = storage().store;
    const second = storage().store;
    const id = { id: 2 };
    first.set(id, 'first');
    expect(second.has(id)).toBe(false);
  });

  it('handles frozen ids', () => {
    const { store } = storage();
    const id = Object.freeze({ id: 3 });
    store.set(id, 'frozen');
    expect(store.get(id)).toBe('frozen');
    expect(store.delete(id)).toBe(true);
    expect(store.has(id)).toBe(false);
  });

  it('moves missing data in on get', () => {
    const id = { id: 4 };
    const { store, requests } = storage({ id, value: 'moved' });
    expect(store.get(id)).toBe('moved');
    expect(requests).toEqual([id]);
  });

  it('does not move data on has', () => {
    const { store, requests } = storage();
    expect(store.has({ id: 5 })).toBe(false);
    expect(requests).toEqual([]);
  });
});
