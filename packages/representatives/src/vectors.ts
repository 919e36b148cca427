import {
  describeValue,
  InvalidParameterError,
  type Random,
} from '@fixclust/core';

/**
 * Draws a standard normal value by the Box–Muller transform, using two
 * uniform draws and discarding the second normal value of the pair.
 */
export function gaussian(random: Random): number {
  const radius = Math.sqrt(-2 * Math.log(1 - random.float()));
  return radius * Math.cos(2 * Math.PI * random.float());
}

/** Draws a direction uniformly from the unit sphere in `dimension` dims. */
export function randomUnitVector(random: Random, dimension: number): number[] {
  for (;;) {
    const vector = Array.from({ length: dimension }, () => gaussian(random));
    // A zero vector has no direction; drawing one has probability 0, but a
    // redraw keeps the result defined.
    if (norm(vector) > 0) return scale(vector, 1 / norm(vector));
  }
}

/**
 * Draws `count` orthonormal vectors in `dimension` dims, distributed as the
 * first columns of a uniformly random (Haar) orthogonal matrix: Gaussian
 * vectors made orthonormal by Gram–Schmidt, each projection done twice to
 * keep rounding error near machine precision.
 */
export function randomOrthonormalVectors(
  random: Random,
  count: number,
  dimension: number,
): number[][] {
  const basis: number[][] = [];
  while (basis.length < count) {
    let vector = Array.from({ length: dimension }, () => gaussian(random));
    for (let pass = 0; pass < 2; pass++) {
      for (const unit of basis) {
        vector = addScaled(vector, unit, -dot(vector, unit));
      }
    }
    // A vector in the span of the basis has probability 0; redraw it.
    const length = norm(vector);
    if (length > 1e-8) basis.push(scale(vector, 1 / length));
  }
  return basis;
}

/** Returns the dot product of two vectors of equal length. */
export function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Returns the Euclidean norm of a vector. */
export function norm(vector: readonly number[]): number {
  return Math.sqrt(dot(vector, vector));
}

/** Returns `factor * vector` as a new array. */
export function scale(vector: readonly number[], factor: number): number[] {
  return vector.map((value) => value * factor);
}

/** Returns `a + factor * b` as a new array. */
export function addScaled(
  a: readonly number[],
  b: readonly number[],
  factor: number,
): number[] {
  return a.map((value, i) => value + factor * b[i]!);
}

/** Returns the Euclidean distance between two points. */
export function distance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const difference = a[i]! - b[i]!;
    sum += difference * difference;
  }
  return Math.sqrt(sum);
}

/**
 * Returns the smallest Euclidean distance between two rows of a layout;
 * `Infinity` for fewer than two rows.
 *
 * @throws InvalidParameterError when `points` is not an array of rows of
 * finite numbers, all of one length.
 */
export function minimumPairwiseDistance(points: readonly number[][]): number {
  assertPointRows(points);
  let minimum = Number.POSITIVE_INFINITY;
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      minimum = Math.min(minimum, distance(points[i]!, points[j]!));
    }
  }
  return minimum;
}

function assertPointRows(points: unknown): void {
  const width = Array.isArray(points) ? (points[0] as unknown[])?.length : 0;
  const isRow = (row: unknown) =>
    Array.isArray(row) &&
    row.length === width &&
    row.every((value) => Number.isFinite(value));
  if (Array.isArray(points) && points.every(isRow)) return;
  throw new InvalidParameterError(
    'points',
    points,
    `points must be an array of rows of finite numbers, all of one ` +
      `length, such as a representative layout, got ${describeValue(points)}`,
  );
}
