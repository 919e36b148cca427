/** A float32 matrix that grows one row at a time, row-major. */
export class FloatRows {
  private values: Float32Array;
  private length = 0;

  constructor(readonly nColumns: number) {
    this.values = new Float32Array(Math.max(1024, nColumns));
  }

  /** Number of rows added so far. */
  get nRows(): number {
    return this.length / this.nColumns;
  }

  /** Appends one value; rows fill left to right, top to bottom. */
  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  /** Returns the values added so far, trimmed to whole rows. */
  toArray(): Float32Array {
    const whole = this.length - (this.length % this.nColumns);
    return this.values.slice(0, whole);
  }
}
