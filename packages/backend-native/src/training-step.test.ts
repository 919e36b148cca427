import { expect, it } from 'vitest';

import { loadAddon, type NativeAddon } from './addon.js';
import { describeWithAddon } from './test-support/addon.js';

/** Arguments of a one-layer step: 2 rows, 3 inputs, 2 outputs, SGD. */
function arguments_(
  overrides: { x?: Float32Array; shape?: number[] } = {},
): Parameters<NativeAddon['denseTrainingStep']> {
  const weight = Float32Array.of(0.1, -0.2, 0.3, 0.05, -0.1, 0.2);
  const bias = Float32Array.of(0, 0);
  return [
    overrides.x ?? Float32Array.of(1, 2, 3, -1, 0, 1),
    Float32Array.of(1, -1, -1, 1),
    [weight, bias],
    [],
    [],
    [new Float32Array(6), new Float32Array(2)],
    [],
    [],
    Int32Array.from(overrides.shape ?? [2, 1, 2, 2, 3, 2]),
    Int32Array.of(3),
    // km, constant, lambda, epsilon, l2, SGD, rate, beta1, beta2, eps, step
    Float64Array.of(0, 0, 1, 1e-8, 0, 1, 0.1, 0, 0, 0, 1),
    new Float32Array(0),
    new Float64Array(2),
  ];
}

describeWithAddon('addon denseTrainingStep', () => {
  const addon = loadAddon();

  it('returns the loss and writes the SGD update', () => {
    const args = arguments_();
    const loss = addon.denseTrainingStep(...args);
    // y = x · w: rows (0.4, 0.5) and (-0.2, 0.4); squared distances to
    // the nearer representative (-1, 1): 2.21 and 1.0. Deviations of the
    // two features: 0.3 and 0.05.
    const km = (2.21 + 1.0) / 2;
    const deviation =
      (Math.sqrt(0.3 ** 2 + 1e-8) + Math.sqrt(0.05 ** 2 + 1e-8)) / 2;
    expect(loss).toBeCloseTo(km - deviation, 5);
    expect(args[12][0]).toBeCloseTo(km, 5);
    expect(args[12][1]).toBeCloseTo(-deviation, 5);
    const [newWeight] = args[5];
    expect(Array.from(newWeight!).every(Number.isFinite)).toBe(true);
    expect(newWeight).not.toEqual(args[2][0]);
  });

  it('returns NaN for a NaN input', () => {
    const x = Float32Array.of(Number.NaN, 2, 3, -1, 0, 1);
    expect(addon.denseTrainingStep(...arguments_({ x }))).toBeNaN();
  });

  it('rejects layers that do not fit the representatives', () => {
    expect(() =>
      addon.denseTrainingStep(...arguments_({ shape: [2, 1, 2, 3, 3, 2] })),
    ).toThrow(RangeError);
  });

  it('rejects a batch shorter than its shape', () => {
    const x = Float32Array.of(1, 2, 3);
    expect(() => addon.denseTrainingStep(...arguments_({ x }))).toThrow(
      /x has 3 elements, needs 6/,
    );
  });
});

/** Random values in [-0.5, 0.5) from a fixed linear congruential stream. */
function values(length: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  });
}

/**
 * Returns a two-layer Adam network (5 → 4 tanh → 3) on 11 rows, trained in
 * batches of 4 rows (the last of 3) taken in a fixed order.
 */
function adamNetwork() {
  const sizes = [5 * 4, 4, 4 * 3, 3];
  return {
    data: values(11 * 5, 1),
    order: Int32Array.of(3, 7, 0, 10, 5, 1, 9, 2, 8, 6, 4),
    points: Float32Array.of(1, -1, -1, -1, 1, -1, -1, -1, 1),
    params: sizes.map((size, p) => values(size, 10 + p)),
    first: sizes.map((size) => new Float32Array(size)),
    second: sizes.map((size) => new Float32Array(size)),
    fresh: () => sizes.map((size) => new Float32Array(size)),
    shape: (rows: number) => Int32Array.of(rows, 2, 3, 3, 5, 4, 4, 3),
    activations: Int32Array.of(0, 3),
    // km, constant, lambda, epsilon, l2, Adam, rate, beta1, beta2, eps, step
    settings: (step: number) =>
      Float64Array.of(0, 0, 2, 1e-8, 0.01, 0, 0.05, 0.9, 0.999, 1e-7, step),
  };
}

/** The arrays of a denseTrainingSteps call that a test may replace. */
interface StepsArguments {
  data: Float32Array;
  params: Float32Array[];
  first: Float32Array[];
  second: Float32Array[];
  newParams: Float32Array[];
  newFirst: Float32Array[];
  newSecond: Float32Array[];
  activations: Int32Array;
  settings: Float64Array;
  stepTerms: Float32Array;
  order: Int32Array;
  batching: Int32Array;
}

/**
 * Arguments of a call of denseTrainingSteps on `net`: its 3 batches of 4
 * rows from step 1, fresh outputs, with `changes` in place of any array.
 */
function stepsArguments(
  net: ReturnType<typeof adamNetwork>,
  changes: Partial<StepsArguments> = {},
): Parameters<NativeAddon['denseTrainingSteps']> {
  const a: StepsArguments = {
    data: net.data,
    params: net.params,
    first: net.first,
    second: net.second,
    newParams: net.fresh(),
    newFirst: net.fresh(),
    newSecond: net.fresh(),
    activations: net.activations,
    settings: net.settings(1),
    stepTerms: new Float32Array(9),
    order: net.order,
    batching: Int32Array.of(0, 3),
    ...changes,
  };
  return [
    a.data,
    net.points,
    a.params,
    a.first,
    a.second,
    a.newParams,
    a.newFirst,
    a.newSecond,
    net.shape(4),
    a.activations,
    a.settings,
    new Float32Array(0),
    a.stepTerms,
    a.order,
    a.batching,
  ];
}

describeWithAddon('addon denseTrainingSteps', () => {
  const addon = loadAddon();

  it('makes the same steps as denseTrainingStep, value for value', () => {
    const net = adamNetwork();
    // One step at a time, each batch gathered here.
    let [params, first, second] = [net.params, net.first, net.second];
    const expectedTerms: number[] = [];
    for (let b = 0; b < 3; b++) {
      const rows = net.order.subarray(4 * b, 4 * b + 4);
      const x = new Float32Array(rows.length * 5);
      rows.forEach((row, i) =>
        x.set(net.data.subarray(5 * row, 5 * row + 5), 5 * i),
      );
      const [p, m, v] = [net.fresh(), net.fresh(), net.fresh()];
      const terms = new Float64Array(2);
      const loss = addon.denseTrainingStep(
        x,
        net.points,
        params,
        first,
        second,
        p,
        m,
        v,
        net.shape(rows.length),
        net.activations,
        net.settings(b + 1),
        new Float32Array(0),
        terms,
      );
      expectedTerms.push(
        Math.fround(loss),
        Math.fround(terms[0]!),
        Math.fround(terms[1]!),
      );
      [params, first, second] = [p, m, v];
    }

    const [p, m, v] = [net.fresh(), net.fresh(), net.fresh()];
    const stepTerms = new Float32Array(9);
    const ran = addon.denseTrainingSteps(
      ...stepsArguments(net, {
        newParams: p,
        newFirst: m,
        newSecond: v,
        stepTerms,
      }),
    );
    expect(ran).toBe(3);
    expect(Array.from(stepTerms)).toEqual(expectedTerms);
    expect(p).toEqual(params);
    expect(m).toEqual(first);
    expect(v).toEqual(second);
    // The inputs are left as they were.
    expect(net.params).toEqual(adamNetwork().params);
  });

  it('starts at a position of the order and numbers steps from settings', () => {
    const net = adamNetwork();
    const run = (start: number, batches: number, step: number, from = net) => {
      const changes = {
        params: from.params,
        first: from.first,
        second: from.second,
        newParams: net.fresh(),
        newFirst: net.fresh(),
        newSecond: net.fresh(),
        settings: net.settings(step),
        stepTerms: new Float32Array(3 * batches),
        batching: Int32Array.of(start, batches),
      };
      addon.denseTrainingSteps(...stepsArguments(net, changes));
      return {
        params: changes.newParams,
        first: changes.newFirst,
        second: changes.newSecond,
        stepTerms: changes.stepTerms,
      };
    };
    const whole = run(0, 3, 1);
    const firstPart = run(0, 1, 1);
    const rest = run(4, 2, 2, { ...net, ...firstPart });
    expect(rest.params).toEqual(whole.params);
    expect(Array.from(rest.stepTerms)).toEqual(
      Array.from(whole.stepTerms.subarray(3)),
    );
  });

  it('stops after the first step with a non-finite loss', () => {
    const net = adamNetwork();
    // Row 0 is the third row of the first batch.
    net.data[0] = Number.NaN;
    const stepTerms = new Float32Array(9).fill(7);
    const ran = addon.denseTrainingSteps(...stepsArguments(net, { stepTerms }));
    expect(ran).toBe(1);
    expect(stepTerms[0]).toBeNaN();
    expect(Array.from(stepTerms.subarray(3))).toEqual([7, 7, 7, 7, 7, 7]);
  });

  it('rejects an order entry that is not a row of the data', () => {
    const net = adamNetwork();
    const order = Int32Array.from(net.order);
    order[5] = 11;
    expect(() =>
      addon.denseTrainingSteps(...stepsArguments(net, { order })),
    ).toThrow('order[5] = 11 is not a row of data (11 rows)');
  });

  it('rejects unknown optimizer, loss and activation codes', () => {
    const net = adamNetwork();
    const call = (changes: Partial<StepsArguments>) => () =>
      addon.denseTrainingSteps(...stepsArguments(net, changes));
    const withCode = (index: number, value: number) => {
      const settings = net.settings(1);
      settings[index] = value;
      return { settings };
    };
    expect(call(withCode(5, 2))).toThrow(/optimizer code 2/);
    expect(call(withCode(5, Number.NaN))).toThrow(/optimizer code nan/);
    expect(call(withCode(0, 3))).toThrow(/loss code 3/);
    expect(call({ activations: Int32Array.of(0, 7) })).toThrow(
      'activation code 7 of layer 1 is not 0 to 3',
    );
  });

  it('names the list of a parameter of the wrong length', () => {
    const net = adamNetwork();
    const newParams = net.fresh();
    newParams[0] = new Float32Array(3);
    expect(() =>
      addon.denseTrainingSteps(...stepsArguments(net, { newParams })),
    ).toThrow('newParams[0] (layer 0 weight) has 3 elements, needs 20');
  });

  it('reads no array that a getter on a later list item detached', () => {
    const net = adamNetwork();
    const params = net.params.map((array) => array.slice());
    const newSecond = net.fresh();
    const first = newSecond[0]!;
    // The getter runs while the addon fetches the lists' items, after it
    // has fetched params[0]; transferring the buffer detaches that array.
    Object.defineProperty(newSecond, 0, {
      get: () => {
        structuredClone(params[0]!.buffer, { transfer: [params[0]!.buffer] });
        return first;
      },
    });
    expect(() =>
      addon.denseTrainingSteps(...stepsArguments(net, { params, newSecond })),
    ).toThrow('params[0] (layer 0 weight) has 0 elements, needs 20');
  });

  it('passes on the error of a getter on a list item', () => {
    const net = adamNetwork();
    const newFirst = net.fresh();
    Object.defineProperty(newFirst, 1, {
      get: () => {
        throw new Error('getter failed');
      },
    });
    expect(() =>
      addon.denseTrainingSteps(...stepsArguments(net, { newFirst })),
    ).toThrow('getter failed');
  });

  it('rejects a parameter list that is not an array', () => {
    const net = adamNetwork();
    const first = undefined as unknown as Float32Array[];
    expect(() =>
      addon.denseTrainingSteps(...stepsArguments(net, { first })),
    ).toThrow('argument 3 must be an array of 4 Float32Arrays');
  });

  it('rejects data that is not whole rows', () => {
    const net = adamNetwork();
    const data = net.data.subarray(1);
    expect(() =>
      addon.denseTrainingSteps(...stepsArguments(net, { data })),
    ).toThrow('data has 54 elements, not whole rows of 5');
  });

  it('rejects batches that reach past the end of the order', () => {
    const net = adamNetwork();
    const changes = {
      stepTerms: new Float32Array(12),
      batching: Int32Array.of(0, 4),
    };
    expect(() =>
      addon.denseTrainingSteps(...stepsArguments(net, changes)),
    ).toThrow(
      '4 batches of 4 rows from position 0 reach past the end of order ' +
        '(11 entries)',
    );
  });
});
