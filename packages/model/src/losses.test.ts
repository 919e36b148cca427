import { cpuBackend } from '@fixclust/backend-cpu';
import { wasmBackend } from '@fixclust/backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import './gradients.js';
import {
  cmmLoss,
  disposeRepresentatives,
  gmmLoss,
  kmLoss,
  logGammaOfHalfInteger,
  representativeTensors,
  variableFeaturesTerm,
} from './losses.js';

const vertex2 = [
  [1, -1],
  [-1, 1],
];

function scalar(t: tf.Scalar): number {
  const value = t.dataSync()[0]!;
  t.dispose();
  return value;
}

/** Evaluates a loss of `y` against `points` and frees every tensor. */
function evaluate(
  loss: typeof kmLoss,
  y: number[][],
  points: number[][],
): number {
  const representatives = representativeTensors(points);
  const value = tf.tidy(() => loss(tf.tensor2d(y), representatives));
  disposeRepresentatives(representatives);
  return scalar(value);
}

describe.each([
  ['cpu', cpuBackend],
  ['wasm', wasmBackend],
])('losses on %s', (_, backend) => {
  beforeAll(async () => {
    await backend().initialise();
  });

  describe('kmLoss', () => {
    it('averages the squared distance to the nearest point', () => {
      // (1, -1) is 0 from rep 0; (0, 0) is 2 from both; (-1, 2) is 1 from
      // rep 1: mean 1.
      const y = [
        [1, -1],
        [0, 0],
        [-1, 2],
      ];
      expect(evaluate(kmLoss, y, vertex2)).toBeCloseTo(1, 6);
    });

    it('is zero on the representatives', () => {
      expect(evaluate(kmLoss, vertex2, vertex2)).toBeCloseTo(0, 6);
    });

    it('uses the nearest of three', () => {
      const points = [
        [0, 0],
        [10, 0],
        [0, 10],
      ];
      // Distances to nearest: 1 + 4 = 5 from (10, 0) for (9, 2); 9 from
      // (0, 0) for (0, 3).
      const y = [
        [9, 2],
        [0, 3],
      ];
      expect(evaluate(kmLoss, y, points)).toBeCloseTo(7, 5);
    });
  });

  describe('gmmLoss', () => {
    it('matches the closed-form mixture density', () => {
      const y = [
        [0.5, -0.2],
        [-2, 1.5],
      ];
      const expected = mean(
        y.map((row) => -Math.log(mixtureDensity(row, vertex2, gaussian))),
      );
      expect(evaluate(gmmLoss, y, vertex2)).toBeCloseTo(expected, 5);
    });
  });

  describe('cmmLoss', () => {
    it('matches the closed-form mixture density', () => {
      const y = [
        [0.5, -0.2],
        [-2, 1.5],
        [30, 40],
      ];
      const expected = mean(
        y.map((row) => -Math.log(mixtureDensity(row, vertex2, cauchy2d))),
      );
      expect(evaluate(cmmLoss, y, vertex2)).toBeCloseTo(expected, 4);
    });
  });

  describe('variableFeaturesTerm', () => {
    it('measures spread 0.1 around 1000 in float32', () => {
      const y = batchAround(1000, 0.1, 128, 10);
      const value = scalar(
        tf.tidy(() => variableFeaturesTerm(tf.tensor2d(y, [128, 10]), 1)),
      );
      expect(Number.isNaN(value)).toBe(false);
      expect(value).toBeCloseTo(-0.1, 3);
    });

    it('scales with lambda', () => {
      const y = batchAround(0, 2, 64, 3);
      const value = scalar(
        tf.tidy(() => variableFeaturesTerm(tf.tensor2d(y, [64, 3]), 50)),
      );
      expect(value).toBeCloseTo(-100, 3);
    });

    it('stays finite on identical rows', () => {
      const y = tf.fill([16, 4], 3.25) as tf.Tensor2D;
      const { value, grad } = tf.valueAndGrad((input: tf.Tensor) =>
        variableFeaturesTerm(input as tf.Tensor2D, 50),
      )(y);
      const gradient = Array.from(grad.dataSync());
      expect(value.dataSync()[0]).toBeCloseTo(-50 * Math.sqrt(1e-8), 6);
      expect(gradient.every(Number.isFinite)).toBe(true);
      tf.dispose([y, value, grad]);
    });

    it('stays finite on a batch of one sample', () => {
      const y = tf.tensor2d([[1, 2, 3]]);
      const { value, grad } = tf.valueAndGrad((input: tf.Tensor) =>
        variableFeaturesTerm(input as tf.Tensor2D, 1),
      )(y);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([y, value, grad]);
    });
  });
});

describe('logGammaOfHalfInteger', () => {
  it.each([
    [1, 0.5 * Math.log(Math.PI)],
    [2, 0],
    [3, Math.log(Math.sqrt(Math.PI) / 2)],
    [4, 0],
    [11, Math.log((945 / 32) * Math.sqrt(Math.PI))],
    [12, Math.log(120)],
  ])('gives ln Γ(%i / 2)', (m, expected) => {
    expect(logGammaOfHalfInteger(m)).toBeCloseTo(expected, 12);
  });
});

/** Rows with per-feature mean `centre` and population deviation `spread`. */
function batchAround(
  centre: number,
  spread: number,
  rows: number,
  columns: number,
): Float32Array {
  const values = new Float32Array(rows * columns);
  for (let c = 0; c < columns; c++) {
    // Alternating ±spread has mean 0 and population deviation spread.
    for (let r = 0; r < rows; r++) {
      values[r * columns + c] = centre + (r % 2 === 0 ? spread : -spread);
    }
  }
  return values;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function squaredDistance(a: number[], b: number[]): number {
  return a.reduce((sum, v, i) => sum + (v - b[i]!) ** 2, 0);
}

function gaussian(y: number[], centre: number[]): number {
  const d = y.length;
  return Math.exp(-squaredDistance(y, centre) / 2) / (2 * Math.PI) ** (d / 2);
}

/** Bivariate Cauchy density with identity scale: 1 / (2π (1 + r²)^1.5). */
function cauchy2d(y: number[], centre: number[]): number {
  return 1 / (2 * Math.PI * (1 + squaredDistance(y, centre)) ** 1.5);
}

function mixtureDensity(
  y: number[],
  centres: number[][],
  density: (y: number[], centre: number[]) => number,
): number {
  return mean(centres.map((centre) => density(y, centre)));
}
