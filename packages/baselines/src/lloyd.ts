import { squaredRowNorms, type CentredData } from './kmeans-plus-plus.js';
import { projectChunks } from './tensor-ops.js';

/** A cluster that lost all its samples and was given a new centre. */
export interface Relocation {
  /** Lloyd iteration, from 0. */
  iteration: number;
  cluster: number;
  /** Row whose position became the cluster's new centre. */
  row: number;
}

/** Outcome of one k-means run from one initialisation. */
export interface LloydOutcome {
  labels: Int32Array;
  /** `k × d` centres, row-major, in centred coordinates. */
  centres: Float64Array;
  /** Sum of squared distances to the assigned centres, float64. */
  inertia: number;
  nIterations: number;
  /** Whether the labels stopped changing or the centres stopped moving. */
  converged: boolean;
  relocations: Relocation[];
}

/** Settings of one Lloyd run. */
export interface LloydSettings {
  nClusters: number;
  maxIterations: number;
  /** Absolute tolerance on the sum of squared centre shifts. */
  tolerance: number;
}

/**
 * Runs Lloyd's algorithm from `initialCentres` (centred coordinates). Each
 * iteration assigns every sample to its nearest centre, then moves each
 * centre to the mean of its samples. It stops when the labels stop
 * changing, when the sum of squared centre shifts is at most `tolerance`,
 * or after `maxIterations` iterations.
 *
 * A cluster that becomes empty takes the sample farthest from its assigned
 * centre (skipping samples that are alone in their cluster), so no centre
 * is ever the mean of nothing.
 */
export function runLloyd(
  data: CentredData,
  initialCentres: Float64Array,
  settings: LloydSettings,
): LloydOutcome {
  let centres = initialCentres;
  let labels: Int32Array = new Int32Array(0);
  let previous: AssignmentStep | undefined;
  const relocations: Relocation[] = [];
  let converged = false;
  let iteration = 0;

  while (iteration < settings.maxIterations && !converged) {
    const step = assignAndSum(data, centres, settings.nClusters, previous);
    const relocated = relocateEmpty(data, centres, step, iteration);
    relocations.push(...relocated.relocations);
    previous = step;
    const updated = clusterMeans(relocated, data.mean);
    const shift = squaredShift(centres, updated);
    converged = !step.changed || shift <= settings.tolerance;
    const strictlyConverged = !step.changed;
    labels = step.labels;
    centres = updated;
    iteration += 1;
    if (converged && !strictlyConverged) {
      labels = assignNearest(data, centres, settings.nClusters);
    }
  }
  if (!converged) labels = assignNearest(data, centres, settings.nClusters);
  return {
    labels,
    centres,
    inertia: inertia(data, centres, labels),
    nIterations: iteration,
    converged,
    relocations,
  };
}

/** Labels and per-cluster sums of one assignment pass. */
interface AssignmentStep {
  labels: Int32Array;
  /** Sum of the raw (uncentred) rows of each cluster, `k × d`. */
  sums: Float64Array;
  counts: Float64Array;
  /** Whether any label differs from the previous pass. */
  changed: boolean;
}

/**
 * Assigns each centred row x to the centre minimising `|c|² − 2x·c` (ties
 * to the lower cluster index) and sums the raw rows per cluster in float64.
 *
 * Given the previous pass, only the rows whose label changed are moved
 * between sums, which makes late iterations, where few labels change, much
 * cheaper than a full summation.
 */
export function assignAndSum(
  data: CentredData,
  centres: Float64Array,
  nClusters: number,
  previous: AssignmentStep | undefined,
): AssignmentStep {
  const { source, mean } = data;
  const d = source.nFeatures;
  const norms = squaredRowNorms(centres, nClusters);
  const labels = new Int32Array(source.nSamples);
  const sums = previous?.sums.slice() ?? new Float64Array(nClusters * d);
  const counts = previous?.counts.slice() ?? new Float64Array(nClusters);
  let changed = previous === undefined;

  projectChunks(source, mean, centres, nClusters, (dots, block, start) => {
    const rows = dots.length / nClusters;
    for (let r = 0; r < rows; r++) {
      const label = nearest(dots, norms, r, nClusters);
      labels[start + r] = label;
      const before = previous?.labels[start + r];
      if (label === before) continue;
      changed = true;
      counts[label]! += 1;
      addRow(sums, label * d, block, r * d, d, 1);
      if (before === undefined) continue;
      counts[before]! -= 1;
      addRow(sums, before * d, block, r * d, d, -1);
    }
  });
  return { labels, sums, counts, changed };
}

/**
 * Labels each row with its nearest centre (ties go to the lower index),
 * without the per-cluster sums.
 */
export function assignNearest(
  data: Omit<CentredData, 'rowNorms'>,
  centres: Float64Array,
  nClusters: number,
): Int32Array {
  const norms = squaredRowNorms(centres, nClusters);
  const labels = new Int32Array(data.source.nSamples);
  projectChunks(
    data.source,
    data.mean,
    centres,
    nClusters,
    (dots, _, start) => {
      const rows = dots.length / nClusters;
      for (let r = 0; r < rows; r++) {
        labels[start + r] = nearest(dots, norms, r, nClusters);
      }
    },
  );
  return labels;
}

/**
 * Adds `sign` times the row of `block` starting at `rowStart` into `sums`
 * at `sumStart`. The loop is unrolled by four, which ran about twice as
 * fast as the plain loop in Node 20 on 70,000 × 784 rows.
 */
function addRow(
  sums: Float64Array,
  sumStart: number,
  block: Float32Array,
  rowStart: number,
  d: number,
  sign: 1 | -1,
): void {
  let j = 0;
  for (; j + 3 < d; j += 4) {
    sums[sumStart + j]! += sign * block[rowStart + j]!;
    sums[sumStart + j + 1]! += sign * block[rowStart + j + 1]!;
    sums[sumStart + j + 2]! += sign * block[rowStart + j + 2]!;
    sums[sumStart + j + 3]! += sign * block[rowStart + j + 3]!;
  }
  for (; j < d; j++) sums[sumStart + j]! += sign * block[rowStart + j]!;
}

function nearest(
  dots: Float32Array,
  norms: Float64Array,
  row: number,
  nClusters: number,
): number {
  let best = 0;
  let bestScore = Infinity;
  for (let c = 0; c < nClusters; c++) {
    const score = norms[c]! - 2 * dots[row * nClusters + c]!;
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best;
}

/** Cluster sums and sizes after empty clusters were given a sample. */
interface RelocatedSums {
  sums: Float64Array;
  counts: Float64Array;
  relocations: Relocation[];
}

/**
 * Gives every empty cluster of `step` the sample farthest from its assigned
 * centre, moving that sample's contribution out of its old cluster's sum.
 * Candidates are taken in decreasing distance, ties by row index, and a
 * sample alone in its cluster is skipped so that no cluster empties in turn.
 * As in scikit-learn, the labels stay as assigned and the next pass updates
 * them, so `step` is left as it is and the moved sums are copies.
 */
function relocateEmpty(
  data: CentredData,
  centres: Float64Array,
  step: AssignmentStep,
  iteration: number,
): RelocatedSums {
  const empty = [...step.counts.keys()].filter((c) => step.counts[c] === 0);
  if (empty.length === 0) return { ...step, relocations: [] };

  const d = data.source.nFeatures;
  const sums = step.sums.slice();
  const counts = step.counts.slice();
  const distances = distancesToAssigned(data, centres, step.labels);
  const order = [...distances.keys()].sort(
    (a, b) => distances[b]! - distances[a]! || a - b,
  );
  const relocations: Relocation[] = [];
  let next = 0;
  for (const cluster of empty) {
    while (counts[step.labels[order[next]!]!]! <= 1) next += 1;
    const row = order[next]!;
    next += 1;
    const from = step.labels[row]!;
    const values = data.source.row(row);
    for (let j = 0; j < d; j++) {
      sums[from * d + j]! -= values[j]!;
      sums[cluster * d + j] = values[j]!;
    }
    counts[from]! -= 1;
    counts[cluster] = 1;
    relocations.push({ iteration, cluster, row });
  }
  return { sums, counts, relocations };
}

/** Squared distance, in float64, of every row to its labelled centre. */
function distancesToAssigned(
  data: CentredData,
  centres: Float64Array,
  labels: Int32Array,
): Float64Array {
  const { source, mean } = data;
  const d = source.nFeatures;
  const distances = new Float64Array(source.nSamples);
  source.forEachChunk((block, start, end) => {
    for (let i = start; i < end; i++) {
      const offset = labels[i]! * d;
      let total = 0;
      for (let j = 0; j < d; j++) {
        const diff =
          block[(i - start) * d + j]! - mean[j]! - centres[offset + j]!;
        total += diff * diff;
      }
      distances[i] = total;
    }
  });
  return distances;
}

/**
 * Computes the inertia, the sum of squared distances of the rows to their
 * labelled centres, from direct differences in float64.
 */
export function inertia(
  data: CentredData,
  centres: Float64Array,
  labels: Int32Array,
): number {
  let total = 0;
  for (const distance of distancesToAssigned(data, centres, labels)) {
    total += distance;
  }
  return total;
}

/** Computes each cluster's mean, in centred coordinates, from its sums. */
function clusterMeans(
  totals: { sums: Float64Array; counts: Float64Array },
  mean: Float64Array,
): Float64Array {
  const d = mean.length;
  const { sums, counts } = totals;
  const centres = new Float64Array(sums.length);
  for (let c = 0; c < counts.length; c++) {
    for (let j = 0; j < d; j++) {
      centres[c * d + j] = sums[c * d + j]! / counts[c]! - mean[j]!;
    }
  }
  return centres;
}

function squaredShift(before: Float64Array, after: Float64Array): number {
  let total = 0;
  for (let p = 0; p < before.length; p++) {
    total += (after[p]! - before[p]!) ** 2;
  }
  return total;
}
