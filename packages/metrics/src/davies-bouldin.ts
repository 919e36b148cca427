import { encodeLabels, type Labels } from './labels.js';
import {
  assertFeatureMatrix,
  assertLabelCount,
  type FeatureMatrix,
} from './silhouette.js';

/**
 * Values at most this far from 0 count as 0 when deciding whether every
 * cluster is a point or every centroid coincides (NumPy's `allclose(v, 0)`
 * absolute tolerance, which scikit-learn applies here).
 */
const ZERO_TOLERANCE = 1e-8;

/**
 * Computes the Davies–Bouldin index with Euclidean distances (Davies and
 * Bouldin, "A cluster separation measure", IEEE TPAMI 1(2), 1979), as
 * scikit-learn defines it. Lower is better; 0 is the minimum.
 *
 * For each cluster i, S_i is the mean distance of its members to its
 * centroid, and R_i = max over j ≠ i of (S_i + S_j) / M_ij, where M_ij is
 * the distance between centroids i and j. The index is the mean of R_i.
 * A pair of coinciding centroids (M_ij = 0) contributes 0 to the max, and
 * the index is 0 when every S_i or every M_ij is within 1e-8 of 0.
 *
 * Float64 throughout; O(n d + k² d) for k clusters.
 *
 * @param data - a dense matrix whose `x` is a Float32Array.
 * @param labels - cluster of each sample: numbers or strings.
 * @throws InvalidParameterError for a `data` or `labels` argument of the
 * wrong kind.
 * @throws InvalidDataError for values that are not a Float32Array, empty or
 * non-finite data, a label count that differs from the number of samples,
 * or fewer than 2 or more than n − 1 distinct labels.
 */
export function daviesBouldinScore(
  data: FeatureMatrix,
  labels: Labels,
): number {
  assertFeatureMatrix(data, labels);
  const { ids, values } = encodeLabels(labels, 'labels');
  const k = values.length;
  assertLabelCount(k, data.nSamples, 'the Davies–Bouldin index');

  const centroids = clusterCentroids(data, ids, k);
  const spreads = meanDistancesToCentroid(data, ids, centroids);
  const separations = centroidDistances(centroids, k);
  if (spreads.every(isNearZero) || separations.every(isNearZero)) return 0;

  let total = 0;
  for (let i = 0; i < k; i++) {
    let worst = 0;
    for (let j = 0; j < k; j++) {
      const separation = separations[i * k + j]!;
      if (j === i || separation === 0) continue;
      worst = Math.max(worst, (spreads[i]! + spreads[j]!) / separation);
    }
    total += worst;
  }
  return total / k;
}

function clusterCentroids(
  data: FeatureMatrix,
  ids: Int32Array,
  k: number,
): Float64Array {
  const d = data.nFeatures;
  const centroids = new Float64Array(k * d);
  const sizes = new Float64Array(k);
  for (let i = 0; i < data.nSamples; i++) {
    const id = ids[i]!;
    sizes[id]! += 1;
    for (let j = 0; j < d; j++) centroids[id * d + j]! += data.x[i * d + j]!;
  }
  for (let p = 0; p < centroids.length; p++) {
    centroids[p]! /= sizes[Math.floor(p / d)]!;
  }
  return centroids;
}

/** S_i: mean Euclidean distance of cluster i's members to its centroid. */
function meanDistancesToCentroid(
  data: FeatureMatrix,
  ids: Int32Array,
  centroids: Float64Array,
): Float64Array {
  const d = data.nFeatures;
  const k = centroids.length / d;
  const sums = new Float64Array(k);
  const sizes = new Float64Array(k);
  for (let i = 0; i < data.nSamples; i++) {
    const id = ids[i]!;
    let squared = 0;
    for (let j = 0; j < d; j++) {
      squared += (data.x[i * d + j]! - centroids[id * d + j]!) ** 2;
    }
    sums[id]! += Math.sqrt(squared);
    sizes[id]! += 1;
  }
  return sums.map((sum, id) => sum / sizes[id]!);
}

/** M: `k × k` Euclidean distances between centroids. */
function centroidDistances(centroids: Float64Array, k: number): Float64Array {
  const d = centroids.length / k;
  const distances = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let squared = 0;
      for (let j = 0; j < d; j++) {
        squared += (centroids[a * d + j]! - centroids[b * d + j]!) ** 2;
      }
      distances[a * k + b] = Math.sqrt(squared);
      distances[b * k + a] = distances[a * k + b]!;
    }
  }
  return distances;
}

function isNearZero(value: number): boolean {
  return Math.abs(value) <= ZERO_TOLERANCE;
}
