import * as tf from '@tensorflow/tfjs-core';

type DataId = object;
type Slotted<T> = Record<symbol, T | undefined>;

/**
 * tfjs's `DataStorage` with each entry kept on its data id object, under a
 * symbol of this instance, instead of in a WeakMap. The cpu backend and the
 * native kernels look entries up several times per kernel call, and a
 * property read took about a tenth of the time of a WeakMap lookup in a
 * micro-benchmark on Node 20.20. Ids that cannot take a property (frozen
 * objects) fall back to a WeakMap.
 */
export class SlotDataStorage<T> extends tf.DataStorage<T> {
  private readonly slot = Symbol('fixclust.native.data');
  private readonly fallback = new WeakMap<DataId, T>();
  private fallbackUsed = false;
  private count = 0;

  constructor(
    private readonly owner: tf.KernelBackend,
    private readonly mover: tf.DataMover,
  ) {
    super(owner, mover);
  }

  /**
   * Returns the entry of `dataId`, first moving the data here when it is
   * on another backend, as tfjs's `DataStorage` does.
   */
  override get(dataId: DataId): T {
    let entry = this.read(dataId);
    if (entry === undefined) {
      this.mover.moveData(this.owner, dataId);
      entry = this.read(dataId);
    }
    return entry!;
  }

  override set(dataId: DataId, value: T): void {
    this.count += 1;
    if (Object.isExtensible(dataId)) {
      (dataId as Slotted<T>)[this.slot] = value;
    } else {
      this.fallbackUsed = true;
      this.fallback.set(dataId, value);
    }
  }

  override has(dataId: DataId): boolean {
    return this.read(dataId) !== undefined;
  }

  override delete(dataId: DataId): boolean {
    this.count -= 1;
    if ((dataId as Slotted<T>)[this.slot] !== undefined) {
      // Assigning undefined keeps the object's shape; `delete` would not.
      (dataId as Slotted<T>)[this.slot] = undefined;
      return true;
    }
    return this.fallbackUsed && this.fallback.delete(dataId);
  }

  override numDataIds(): number {
    return this.count;
  }

  private read(dataId: DataId): T | undefined {
    const entry = (dataId as Slotted<T>)[this.slot];
    if (entry !== undefined || !this.fallbackUsed) return entry;
    return this.fallback.get(dataId);
  }
}
