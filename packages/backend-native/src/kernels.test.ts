import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';

import type { NativeAddon } from './addon.js';
import { nativeBackend } from './index.js';
import {
  describeWithAddon,
  expectClose,
  runOnBoth,
  uniformValues,
  type InputSpec,
} from './test-support/addon.js';

// Each native result is compared with the cpu backend's on the same
// inputs. Element-wise kernels and reductions agree to float32 rounding.
// Matrix products differ by summation order, because OpenBLAS sums in
// float32 with fused multiply-adds and the cpu backend in float64, so
// their bound is looser.
const ELEMENTWISE_TOLERANCE = 1e-6;
const MATMUL_TOLERANCE = 1e-5;

function input(shape: number[], seed: number, low = -2, high = 2): InputSpec {
  const size = shape.reduce((a, b) => a * b, 1);
  return { values: uniformValues(size, seed, low, high), shape };
}

function expectSameAsCpu(
  inputs: InputSpec[],
  operation: (...tensors: tf.Tensor[]) => tf.Tensor,
  tolerance = ELEMENTWISE_TOLERANCE,
): void {
  const result = runOnBoth(inputs, operation);
  expect(result.nativeShape).toEqual(result.cpuShape);
  expect(result.nativeDtype).toBe(result.cpuDtype);
  expectClose(result.native, result.cpu, tolerance);
}

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-cpu');
});

describeWithAddon('native matMul', () => {
  beforeAll(async () => {
    await nativeBackend({ engine: 'addon' }).initialise();
  });

  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      it(`2-D, transposeA ${transposeA}, transposeB ${transposeB}`, () => {
        const a = input(transposeA ? [37, 23] : [23, 37], 1);
        const b = input(transposeB ? [11, 37] : [37, 11], 2);
        expectSameAsCpu(
          [a, b],
          (x, y) => tf.matMul(x!, y!, transposeA, transposeB),
          MATMUL_TOLERANCE,
        );
      });
    }
  }

  it('model shapes', () => {
    expectSameAsCpu(
      [input([128, 784], 3, 0, 1), input([784, 32], 4, -0.1, 0.1)],
      (x, w) => tf.matMul(x!, w!),
      MATMUL_TOLERANCE,
    );
    expectSameAsCpu(
      [input([128, 784], 5, 0, 1), input([128, 32], 6)],
      (x, dz) => tf.matMul(x!, dz!, true, false),
      MATMUL_TOLERANCE,
    );
  });

  it('batched, both sides', () => {
    expectSameAsCpu(
      [input([3, 5, 7], 7), input([3, 7, 4], 8)],
      (x, y) => tf.matMul(x!, y!),
      MATMUL_TOLERANCE,
    );
  });

  it('batched, one side repeated', () => {
    expectSameAsCpu(
      [input([2, 3, 5, 7], 9), input([7, 4], 10)],
      (x, y) => tf.matMul(x!, y!, false, false),
      MATMUL_TOLERANCE,
    );
    expectSameAsCpu(
      [input([1, 7, 5], 11), input([4, 6, 7], 12)],
      (x, y) => tf.matMul(x!, y!, true, true),
      MATMUL_TOLERANCE,
    );
  });

  it('batch shapes the cpu kernel handles', () => {
    expectSameAsCpu(
      [input([2, 1, 3, 4], 13), input([1, 3, 4, 2], 14)],
      (x, y) => tf.matMul(x!, y!),
      MATMUL_TOLERANCE,
    );
  });

  it('inner size 0', () => {
    expectSameAsCpu(
      [
        { values: new Float32Array(0), shape: [3, 0] },
        { values: new Float32Array(0), shape: [0, 4] },
      ],
      (x, y) => tf.matMul(x!, y!),
    );
  });

  it('mismatched inner sizes', () => {
    tf.setBackend('native');
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([4, 2]);
    expect(() => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D)).toThrow(
      /inner shapes/,
    );
    tf.dispose([a, b]);
  });

  for (const activation of ['linear', 'relu', 'sigmoid', 'elu'] as const) {
    it(`fused with bias and ${activation}`, () => {
      expectSameAsCpu(
        [input([9, 6], 15), input([6, 5], 16), input([5], 17)],
        (x, w, bias) =>
          tf.fused.matMul({ a: x!, b: w!, bias: bias!, activation }),
        MATMUL_TOLERANCE,
      );
    });
  }
});

const BINARY_OPERATIONS: Record<
  string,
  (a: tf.Tensor, b: tf.Tensor) => tf.Tensor
> = {
  add: tf.add,
  sub: tf.sub,
  mul: tf.mul,
  div: tf.div,
  maximum: tf.maximum,
  minimum: tf.minimum,
  squaredDifference: tf.squaredDifference,
  pow: tf.pow,
};

const BROADCAST_SHAPES: Array<[string, number[], number[]]> = [
  ['same shape', [4, 5], [4, 5]],
  ['scalar right', [4, 5], []],
  ['scalar left', [], [4, 5]],
  ['row', [4, 5], [5]],
  ['column', [4, 5], [4, 1]],
  ['outer product', [4, 1], [1, 5]],
  ['3-D mixed', [3, 1, 5], [1, 4, 5]],
  ['more than 4 dimensions', [2, 1, 2, 1, 2, 1, 2], [1, 3, 1, 3, 1, 3, 1]],
];

describeWithAddon('native binary operations', () => {
  beforeAll(async () => {
    await nativeBackend({ engine: 'addon' }).initialise();
  });

  for (const [name, operation] of Object.entries(BINARY_OPERATIONS)) {
    for (const [layout, aShape, bShape] of BROADCAST_SHAPES) {
      it(`${name}, ${layout}`, () => {
        // pow needs a positive base for real results.
        const low = name === 'pow' ? 0.1 : -2;
        expectSameAsCpu(
          [input(aShape, 20, low), input(bShape, 21, low)],
          (a, b) => operation(a!, b!),
        );
      });
    }
  }

  it('propagates NaN and infinities', () => {
    const a = new Float32Array([NaN, 1, Infinity, -Infinity, 0, 2]);
    const b = new Float32Array([1, NaN, 1, Infinity, 0, -Infinity]);
    for (const operation of Object.values(BINARY_OPERATIONS)) {
      expectSameAsCpu(
        [
          { values: a, shape: [6] },
          { values: b, shape: [6] },
        ],
        (x, y) => operation(x!, y!),
      );
    }
  });

  it('int32 inputs use the cpu kernel', () => {
    const result = runOnBoth(
      [
        { values: new Int32Array([1, 2, 3]), shape: [3], dtype: 'int32' },
        { values: new Int32Array([4, 5, 6]), shape: [3], dtype: 'int32' },
      ],
      (a, b) => tf.add(a!, b!),
    );
    expect(result.nativeDtype).toBe('int32');
    expect(Array.from(result.native)).toEqual([5, 7, 9]);
  });

  it('float32 cast from bool', () => {
    expectSameAsCpu(
      [
        {
          values: new Uint8Array([1, 0, 1, 1]),
          shape: [2, 2],
          dtype: 'bool',
        },
        input([2, 2], 22),
      ],
      (mask, x) => tf.mul(tf.cast(mask!, 'float32'), x!),
    );
  });
});

const UNARY_OPERATIONS: Record<string, [(x: tf.Tensor) => tf.Tensor, number]> =
  {
    // [operation, lowest input]; inputs run from there to 3.
    tanh: [tf.tanh, -3],
    sqrt: [tf.sqrt, 0],
    square: [tf.square, -3],
    neg: [tf.neg, -3],
    exp: [tf.exp, -3],
    log: [tf.log, 0.01],
    log1p: [tf.log1p, -0.99],
    abs: [tf.abs, -3],
    relu: [tf.relu, -3],
    sigmoid: [tf.sigmoid, -3],
    reciprocal: [tf.reciprocal, 0.1],
    rsqrt: [tf.rsqrt, 0.01],
  };

describeWithAddon('native unary operations', () => {
  beforeAll(async () => {
    await nativeBackend({ engine: 'addon' }).initialise();
  });

  for (const [name, [operation, low]] of Object.entries(UNARY_OPERATIONS)) {
    it(name, () => {
      expectSameAsCpu([input([64, 33], 30, low, 3)], (x) => operation(x!));
    });

    it(`${name} of special values`, () => {
      const values = new Float32Array([NaN, Infinity, -Infinity, 0, -0, -1]);
      expectSameAsCpu([{ values, shape: [6] }], (x) => operation(x!));
    });
  }

  it('tanh within 2 ulp of Math.tanh', () => {
    tf.setBackend('native');
    const n = 1 << 20;
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      // Magnitudes from 1e-9 to 20 on a log scale, alternating sign.
      const magnitude = 1e-9 * Math.pow(2e10, i / n);
      values[i] = i % 2 === 0 ? magnitude : -magnitude;
    }
    const result = tf.tidy(() => tf.tanh(tf.tensor1d(values)).dataSync());
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const exact = Math.fround(Math.tanh(values[i]!));
      worst = Math.max(worst, Math.abs(result[i]! - exact) / ulp(exact));
    }
    expect(worst).toBeLessThanOrEqual(2);
  });
});

/** Gap between |x| and the next float32 up. */
function ulp(x: number): number {
  const magnitude = Math.fround(Math.abs(x));
  const bits = new Float32Array([magnitude]);
  const view = new Int32Array(bits.buffer);
  view[0]! += 1;
  return bits[0]! - magnitude;
}

const REDUCTIONS: Record<
  string,
  (x: tf.Tensor, axis: number[] | undefined, keepDims: boolean) => tf.Tensor
> = {
  sum: tf.sum,
  mean: tf.mean,
  min: tf.min,
  max: tf.max,
  prod: tf.prod,
};

const AXES: Array<number[] | undefined> = [
  undefined,
  [0],
  [1],
  [2],
  [0, 1],
  [1, 2],
  [-1],
  [0, 2],
];

describeWithAddon('native reductions', () => {
  beforeAll(async () => {
    await nativeBackend({ engine: 'addon' }).initialise();
  });

  for (const [name, reduce] of Object.entries(REDUCTIONS)) {
    for (const axis of AXES) {
      for (const keepDims of [false, true]) {
        it(`${name} over ${JSON.stringify(axis)}, keepDims ${keepDims}`, () => {
          // Values near 1 keep products of 60 terms within float32 range.
          const [low, high] = name === 'prod' ? [0.9, 1.1] : [-2, 2];
          expectSameAsCpu([input([3, 4, 5], 40, low, high)], (x) =>
            reduce(x!, axis, keepDims),
          );
        });
      }
    }

    it(`${name} with NaN`, () => {
      const values = new Float32Array([1, NaN, 3, 4, 5, 6]);
      expectSameAsCpu([{ values, shape: [2, 3] }], (x) =>
        reduce(x!, [1], false),
      );
    });
  }

  it('size-1 axes between reduced ones', () => {
    expectSameAsCpu([input([4, 1, 6], 41)], (x) => tf.sum(x!, [0, 2]));
  });

  for (const [name, reduce] of [
    ['argMin', tf.argMin],
    ['argMax', tf.argMax],
  ] as const) {
    for (const axis of [0, 1, 2, -1]) {
      it(`${name} over ${axis}`, () => {
        expectSameAsCpu([input([3, 4, 5], 42)], (x) => reduce(x!, axis));
      });
    }

    it(`${name} with ties and NaN`, () => {
      const values = new Float32Array([2, 1, 1, 2, NaN, 0, 3, 3, NaN]);
      expectSameAsCpu([{ values, shape: [3, 3] }], (x) => reduce(x!, 1));
    });
  }
});

describeWithAddon('native transpose', () => {
  beforeAll(async () => {
    await nativeBackend({ engine: 'addon' }).initialise();
  });

  it('2-D, tiled', () => {
    expectSameAsCpu([input([100, 70], 50)], (x) => tf.transpose(x!));
  });

  for (const perm of permutations([0, 1, 2, 3])) {
    it(`4-D, perm ${perm.join(',')}`, () => {
      expectSameAsCpu([input([2, 3, 4, 5], 51)], (x) => tf.transpose(x!, perm));
    });
  }

  it('size-1 axes', () => {
    expectSameAsCpu([input([1, 6, 1, 4], 52)], (x) =>
      tf.transpose(x!, [3, 2, 0, 1]),
    );
  });

  it('order kept', () => {
    expectSameAsCpu([input([6, 1, 4], 53)], (x) => tf.transpose(x!, [1, 0, 2]));
  });

  it('5-D', () => {
    expectSameAsCpu([input([2, 3, 2, 3, 2], 54)], (x) =>
      tf.transpose(x!, [4, 2, 0, 3, 1]),
    );
  });
});

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [
      item,
      ...rest,
    ]),
  );
}

describeWithAddon('native comparisons', () => {
  beforeAll(async () => {
    await nativeBackend({ engine: 'addon' }).initialise();
  });

  const comparisons = {
    equal: tf.equal,
    notEqual: tf.notEqual,
    less: tf.less,
    lessEqual: tf.lessEqual,
    greater: tf.greater,
    greaterEqual: tf.greaterEqual,
  };
  for (const [name, compare] of Object.entries(comparisons)) {
    it(`${name} with broadcasting`, () => {
      const a = new Float32Array([1, 2, 3, 2, 2, NaN]);
      const b = new Float32Array([2, 2, NaN]);
      expectSameAsCpu(
        [
          { values: a, shape: [2, 3] },
          { values: b, shape: [3] },
        ],
        (x, y) => compare(x!, y!),
      );
    });
  }
});

describeWithAddon('native kernels in use', () => {
  beforeAll(async () => {
    await nativeBackend({ engine: 'addon' }).initialise();
  });

  // Each operation on float32 inputs must reach the named addon entry point
  // rather than the cpu kernel it replaces.
  const cases: Array<[string, keyof NativeAddon, () => tf.Tensor]> = [
    ['matMul', 'matMul', () => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2]))],
    ['add', 'binary', () => tf.add(tf.ones([2, 3]), tf.ones([3]))],
    ['mul by a number', 'binary', () => tf.mul(tf.ones([2, 3]), 2)],
    ['tanh', 'unary', () => tf.tanh(tf.ones([2, 3]))],
    ['sum', 'reduce', () => tf.sum(tf.ones([2, 3]), 0)],
    ['max', 'reduce', () => tf.max(tf.ones([2, 3]), 1)],
    ['argMin', 'argReduce', () => tf.argMin(tf.ones([2, 3]), 1)],
    ['transpose', 'transpose', () => tf.transpose(tf.ones([2, 3]))],
    ['equal', 'compare', () => tf.equal(tf.ones([2, 3]), tf.ones([2, 1]))],
  ];
  for (const [name, entry, operation] of cases) {
    it(name, () => {
      tf.setBackend('native');
      const addon = (tf.backend() as unknown as { addon: NativeAddon }).addon;
      const original = addon[entry] as (...args: unknown[]) => unknown;
      let calls = 0;
      (addon as unknown as Record<string, unknown>)[entry] = (
        ...args: unknown[]
      ) => {
        calls += 1;
        return original.apply(addon, args);
      };
      try {
        tf.tidy(operation);
      } finally {
        (addon as unknown as Record<string, unknown>)[entry] = original;
      }
      expect(calls).toBeGreaterThan(0);
    });
  }
});
