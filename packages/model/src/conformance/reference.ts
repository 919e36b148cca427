import type { ClusteringLoss } from '@fixclust/core';

import type { NetworkWeights } from '../network/index.js';

/**
 * Plain float64 implementations of the method's pieces, written from the
 * formulas with no tensor library, against which every backend is checked.
 * Matrices are arrays of rows.
 */
type Matrix = number[][];

function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += (a[j]! - b[j]!) ** 2;
  return sum;
}

function logSumExp(values: readonly number[]): number {
  const max = Math.max(...values);
  return max + Math.log(values.reduce((s, v) => s + Math.exp(v - max), 0));
}

/** Per-representative log-density terms, without the constants. */
function logTerms(
  loss: ClusteringLoss,
  y: readonly number[],
  points: Matrix,
): number[] {
  const d = y.length;
  return points.map((r) => {
    const distance = squaredDistance(y, r);
    return loss === 'gmm'
      ? -distance / 2
      : (-(1 + d) / 2) * Math.log1p(distance);
  });
}

function logGamma(x: number): number {
  // Half-integer arguments only, as the Cauchy normaliser needs.
  let result = Number.isInteger(x) ? 0 : 0.5 * Math.log(Math.PI);
  for (let v = Number.isInteger(x) ? 1 : 0.5; v < x; v += 1) {
    result += Math.log(v);
  }
  return result;
}

function logNormaliser(loss: ClusteringLoss, d: number): number {
  if (loss === 'gmm') return (-d / 2) * Math.log(2 * Math.PI);
  return logGamma((1 + d) / 2) - logGamma(0.5) - (d / 2) * Math.log(Math.PI);
}

/** Mean clustering loss of the batch `y`. */
export function referenceClusteringLoss(
  loss: ClusteringLoss,
  y: Matrix,
  points: Matrix,
): number {
  const k = points.length;
  const perSample = y.map((row) => {
    if (loss === 'km') {
      return Math.min(...points.map((r) => squaredDistance(row, r)));
    }
    const logMixture =
      logSumExp(logTerms(loss, row, points)) -
      Math.log(k) +
      logNormaliser(loss, row.length);
    return -logMixture;
  });
  return perSample.reduce((a, b) => a + b, 0) / y.length;
}

/** Gradient of {@link referenceClusteringLoss} with respect to `y`. */
export function referenceClusteringGradient(
  loss: ClusteringLoss,
  y: Matrix,
  points: Matrix,
): Matrix {
  const n = y.length;
  return y.map((row) => {
    const d = row.length;
    if (loss === 'km') {
      const distances = points.map((r) => squaredDistance(row, r));
      const nearest = points[distances.indexOf(Math.min(...distances))]!;
      return row.map((v, j) => (2 * (v - nearest[j]!)) / n);
    }
    const terms = logTerms(loss, row, points);
    const total = logSumExp(terms);
    const gradient = new Array<number>(d).fill(0);
    points.forEach((r, i) => {
      const posterior = Math.exp(terms[i]! - total);
      const scale =
        loss === 'gmm' ? 1 : (1 + d) / (1 + squaredDistance(row, r));
      for (let j = 0; j < d; j++) {
        gradient[j]! += (posterior * scale * (row[j]! - r[j]!)) / n;
      }
    });
    return gradient;
  });
}

/** Per-feature mean and population variance over the rows of `y`. */
function columnMoments(y: Matrix): { mean: number[]; variance: number[] } {
  const n = y.length;
  const d = y[0]!.length;
  const mean = new Array<number>(d).fill(0);
  const variance = new Array<number>(d).fill(0);
  for (const row of y) row.forEach((v, j) => (mean[j]! += v / n));
  for (const row of y) {
    row.forEach((v, j) => (variance[j]! += (v - mean[j]!) ** 2 / n));
  }
  return { mean, variance };
}

/** `-lambda * mean_j sqrt(var_j + epsilon)`. */
export function referenceVariableFeatures(
  y: Matrix,
  lambda: number,
  epsilon: number,
): number {
  const { variance } = columnMoments(y);
  const deviations = variance.map((v) => Math.sqrt(v + epsilon));
  return (-lambda * deviations.reduce((a, b) => a + b, 0)) / variance.length;
}

/** Gradient of {@link referenceVariableFeatures} with respect to `y`. */
export function referenceVariableFeaturesGradient(
  y: Matrix,
  lambda: number,
  epsilon: number,
): Matrix {
  const n = y.length;
  const { mean, variance } = columnMoments(y);
  const d = mean.length;
  return y.map((row) =>
    row.map(
      (v, j) =>
        (-lambda * (v - mean[j]!)) /
        (d * n * Math.sqrt(variance[j]! + epsilon)),
    ),
  );
}

/** Settings of one reference training step. */
export interface ReferenceStepSettings {
  loss: ClusteringLoss;
  lambda: number;
  varianceEpsilon: number;
  learningRate: number;
  /** Adam's constants, as tfjs uses them for float32. */
  beta1: number;
  beta2: number;
  adamEpsilon: number;
}

/**
 * Runs one Adam step, from zero moments, of a one-hidden-layer tanh network on
 * the batch `x`: forward, loss, backpropagation and update. Returns the
 * loss before the update, the gradients and the updated weights, each in
 * the order hidden weight, hidden bias, output weight, output bias.
 */
export function referenceTrainingStep(
  weights: NetworkWeights,
  x: Matrix,
  points: Matrix,
  settings: ReferenceStepSettings,
): { loss: number; gradients: Matrix[]; weights: Matrix[] } {
  const [hidden, output] = weights.layers.map(toMatrices);
  const z = affine(x, hidden!.weight, hidden!.bias);
  const h = z.map((row) => row.map(Math.tanh));
  const y = affine(h, output!.weight, output!.bias);
  const loss =
    referenceClusteringLoss(settings.loss, y, points) +
    referenceVariableFeatures(y, settings.lambda, settings.varianceEpsilon);

  const dy = add(
    referenceClusteringGradient(settings.loss, y, points),
    referenceVariableFeaturesGradient(
      y,
      settings.lambda,
      settings.varianceEpsilon,
    ),
  );
  const dh = multiply(dy, transpose(output!.weight));
  const dz = dh.map((row, i) => row.map((v, j) => v * (1 - h[i]![j]! ** 2)));
  const gradients = [
    multiply(transpose(x), dz),
    [columnSums(dz)],
    multiply(transpose(h), dy),
    [columnSums(dy)],
  ];
  const parameters = [
    hidden!.weight,
    [hidden!.bias],
    output!.weight,
    [output!.bias],
  ];
  return {
    loss,
    gradients,
    weights: parameters.map((p, i) => adamUpdate(p, gradients[i]!, settings)),
  };
}

function adamUpdate(
  parameter: Matrix,
  gradient: Matrix,
  settings: ReferenceStepSettings,
): Matrix {
  // First step from zero moments: m̂ = g and v̂ = g².
  return parameter.map((row, i) =>
    row.map((value, j) => {
      const g = gradient[i]![j]!;
      const m = (1 - settings.beta1) * g;
      const v = (1 - settings.beta2) * g * g;
      const mHat = m / (1 - settings.beta1);
      const vHat = v / (1 - settings.beta2);
      return (
        value -
        (settings.learningRate * mHat) /
          (Math.sqrt(vHat) + settings.adamEpsilon)
      );
    }),
  );
}

function toMatrices(layer: NetworkWeights['layers'][number]) {
  const weight: Matrix = [];
  for (let i = 0; i < layer.inputSize; i++) {
    const start = i * layer.outputSize;
    weight.push(
      Array.from(layer.weight.subarray(start, start + layer.outputSize)),
    );
  }
  return { weight, bias: Array.from(layer.bias) };
}

function affine(x: Matrix, weight: Matrix, bias: number[]): Matrix {
  return multiply(x, weight).map((row) => row.map((v, j) => v + bias[j]!));
}

function multiply(a: Matrix, b: Matrix): Matrix {
  return a.map((row) =>
    b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)),
  );
}

function transpose(a: Matrix): Matrix {
  return a[0]!.map((_, j) => a.map((row) => row[j]!));
}

function add(a: Matrix, b: Matrix): Matrix {
  return a.map((row, i) => row.map((v, j) => v + b[i]![j]!));
}

function columnSums(a: Matrix): number[] {
  return a[0]!.map((_, j) => a.reduce((s, row) => s + row[j]!, 0));
}
