import type { Random } from '@fixclust/core';

import type { RowSource } from './data.js';
import { projectChunks } from './tensor-ops.js';

/** Data prepared once per k-means fit and shared by every restart. */
export interface CentredData {
  source: RowSource;
  /** Mean of each feature; every computation works on `x − mean`. */
  mean: Float64Array;
  /** Squared norm of each centred row, float64. */
  rowNorms: Float64Array;
}

/**
 * Picks initial centres with greedy k-means++ (Arthur and Vassilvitskii,
 * "k-means++: the advantages of careful seeding", SODA 2007), with the
 * greedy local trials scikit-learn uses. The first centre is a uniformly
 * drawn sample. Each further centre is the best of `2 + ⌊ln k⌋` candidates,
 * drawn with probability proportional to their squared distance to the
 * nearest centre so far. The best candidate is the one that leaves the
 * lowest total squared distance.
 *
 * Distances are `|x|² − 2x·c + |c|²` with the dot products from the active
 * tfjs backend, clipped at 0.
 *
 * @returns `nClusters × d` centres, row-major, in centred coordinates.
 */
export function kmeansPlusPlus(
  data: CentredData,
  nClusters: number,
  random: Random,
): Float64Array {
  const { source, mean } = data;
  const d = source.nFeatures;
  const nTrials = 2 + Math.floor(Math.log(nClusters));
  const centres = new Float64Array(nClusters * d);

  const first = centredRows(source, mean, [random.int(source.nSamples)]);
  centres.set(first, 0);
  let closest = squaredDistances(data, first, 1);
  let potential = sum(closest);

  for (let c = 1; c < nClusters; c++) {
    const candidates = drawCandidates(closest, potential, nTrials, random);
    const rows = centredRows(source, mean, candidates);
    const distances = squaredDistances(data, rows, nTrials);
    const best = bestCandidate(closest, distances, nTrials);
    closest = best.closest;
    potential = best.potential;
    centres.set(rows.subarray(best.trial * d, (best.trial + 1) * d), c * d);
  }
  return centres;
}

/**
 * Draws `nTrials` row indices with probability proportional to `weights`
 * (inverse transform sampling on the cumulative sum).
 */
function drawCandidates(
  weights: Float64Array,
  total: number,
  nTrials: number,
  random: Random,
): number[] {
  const cumulative = new Float64Array(weights.length);
  let running = 0;
  for (let i = 0; i < weights.length; i++) {
    running += weights[i]!;
    cumulative[i] = running;
  }
  const candidates: number[] = [];
  for (let t = 0; t < nTrials; t++) {
    const index = firstAtLeast(cumulative, random.float() * total);
    candidates.push(Math.min(index, weights.length - 1));
  }
  return candidates;
}

/** Index of the first value ≥ `target` in ascending `values`. */
function firstAtLeast(values: Float64Array, target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Finds the trial whose addition leaves the lowest total squared distance. */
function bestCandidate(
  closest: Float64Array,
  distances: Float64Array,
  nTrials: number,
): { trial: number; potential: number; closest: Float64Array } {
  const potentials = new Float64Array(nTrials);
  for (let i = 0; i < closest.length; i++) {
    for (let t = 0; t < nTrials; t++) {
      potentials[t]! += Math.min(closest[i]!, distances[i * nTrials + t]!);
    }
  }
  let trial = 0;
  for (let t = 1; t < nTrials; t++) {
    if (potentials[t]! < potentials[trial]!) trial = t;
  }
  const updated = new Float64Array(closest.length);
  for (let i = 0; i < closest.length; i++) {
    updated[i] = Math.min(closest[i]!, distances[i * nTrials + trial]!);
  }
  return { trial, potential: potentials[trial]!, closest: updated };
}

/**
 * Computes the squared distance of every centred row to each of the
 * `nVectors` centred vectors (`n × nVectors`, row-major).
 */
export function squaredDistances(
  data: CentredData,
  vectors: Float64Array,
  nVectors: number,
): Float64Array {
  const norms = squaredRowNorms(vectors, nVectors);
  const distances = new Float64Array(data.source.nSamples * nVectors);
  projectChunks(data.source, data.mean, vectors, nVectors, (dots, _, start) => {
    for (let p = 0; p < dots.length; p++) {
      const i = start + Math.floor(p / nVectors);
      const value = data.rowNorms[i]! - 2 * dots[p]! + norms[p % nVectors]!;
      distances[start * nVectors + p] = Math.max(value, 0);
    }
  });
  return distances;
}

/** Copies the given rows, centred, into one row-major float64 array. */
export function centredRows(
  source: RowSource,
  mean: Float64Array,
  indices: readonly number[],
): Float64Array {
  const d = source.nFeatures;
  const rows = new Float64Array(indices.length * d);
  indices.forEach((index, r) => {
    const row = source.row(index);
    for (let j = 0; j < d; j++) rows[r * d + j] = row[j]! - mean[j]!;
  });
  return rows;
}

/** Squared Euclidean norm of each row of a row-major matrix. */
export function squaredRowNorms(
  rows: Float64Array,
  nRows: number,
): Float64Array {
  const d = rows.length / nRows;
  const norms = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) {
    let total = 0;
    for (let j = 0; j < d; j++) total += rows[r * d + j]! ** 2;
    norms[r] = total;
  }
  return norms;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
