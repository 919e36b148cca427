/**
 * Recycles the Float32Arrays of disposed tensors as outputs of later
 * kernels. A training step allocates and frees the same shapes again and
 * again, and a fresh typed array of 100 KB costs Node tens of microseconds
 * once garbage collection is counted, more than the kernel that fills it.
 *
 * Only arrays the pool allocated are recycled, once no tensor data entry
 * uses them. The owner must call {@link BufferPool.expose} on any array
 * that may be seen outside the backend, or whose memory something else may
 * share, such as a view made by `subarray`: an exposed array is never
 * recycled.
 */
export class BufferPool {
  /** Free arrays by length. */
  private readonly free = new Map<number, Float32Array[]>();
  private freeBytes = 0;

  /**
   * @param minLength Shortest array worth recycling; V8 allocates short
   *   typed arrays cheaply on its own heap. Default: 1024.
   * @param maxFreeBytes Most memory kept in free arrays; past it, released
   *   arrays are left to the garbage collector. Default: 64 MiB.
   */
  constructor(
    readonly minLength = 1024,
    readonly maxFreeBytes = 64 * 1024 * 1024,
  ) {}

  /**
   * Returns an array of `length` elements whose contents are undefined: a
   * recycled array still contains its previous values.
   */
  take(length: number): Float32Array {
    const reused = this.free.get(length)?.pop();
    if (reused !== undefined) {
      this.freeBytes -= reused.byteLength;
      return reused;
    }
    const array = new Float32Array(length) as TrackedArray;
    if (length >= this.minLength) array[POOL_STATE] = { references: 0 };
    return array;
  }

  /** Records that a tensor data entry now uses `values`. */
  retain(values: unknown): void {
    const state = poolState(values);
    if (state !== undefined) state.references += 1;
  }

  /** Records that a tensor data entry no longer uses `values`. */
  release(values: unknown): void {
    const state = poolState(values);
    if (state === undefined) return;
    state.references -= 1;
    if (state.references > 0) return;

    const array = values as TrackedArray;
    if (this.freeBytes + array.byteLength > this.maxFreeBytes) {
      array[POOL_STATE] = undefined;
      return;
    }
    const list = this.free.get(array.length);
    if (list === undefined) this.free.set(array.length, [array]);
    else list.push(array);
    this.freeBytes += array.byteLength;
  }

  /** Stops recycling `values`: it may be seen or shared outside the pool. */
  expose(values: unknown): void {
    if (poolState(values) !== undefined) {
      (values as TrackedArray)[POOL_STATE] = undefined;
    }
  }

  /** Drops every free array. */
  clear(): void {
    for (const list of this.free.values()) {
      for (const array of list) (array as TrackedArray)[POOL_STATE] = undefined;
    }
    this.free.clear();
    this.freeBytes = 0;
  }

  /** Bytes held in free arrays. */
  get bytesFree(): number {
    return this.freeBytes;
  }
}

// The state lives on the array itself. A property read costs far less than
// a WeakMap lookup, and reading `buffer` instead would move every short
// typed array off V8's heap.
const POOL_STATE = Symbol('fixclust.bufferPool');

interface PoolState {
  /** Number of tensor data entries that use the array. */
  references: number;
}

type TrackedArray = Float32Array & { [POOL_STATE]?: PoolState | undefined };

function poolState(values: unknown): PoolState | undefined {
  if (!(values instanceof Float32Array)) return undefined;
  return (values as TrackedArray)[POOL_STATE];
}
