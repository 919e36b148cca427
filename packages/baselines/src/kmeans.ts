import {
  assertFiniteAbove,
  assertIntegerInRange,
  countOf,
  type FixclustWarning,
  Random,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import {
  assertValidInput,
  featureMoments,
  rowSource,
  type BaselineData,
  type RowSource,
} from './data.js';
import { countDistinctRows } from './distinct-rows.js';
import { createFitted, type FittedKMeans } from './fitted.js';
import { kmeansPlusPlus, type CentredData } from './kmeans-plus-plus.js';
import { runLloyd, type LloydOutcome, type Relocation } from './lloyd.js';
import {
  assertCountInRange,
  assertOptions,
  clusterSizes,
  optionNames,
  resolveSeed,
} from './options.js';
import { requireBackend } from './tensor-ops.js';

/** Options of {@link kmeans}. */
export interface KMeansOptions {
  /** Number of clusters k, from 1 to the number of samples. Required. */
  nClusters: number;
  /**
   * Restarts from independent k-means++ initialisations; the one with the
   * lowest inertia is kept. Default: 10.
   */
  nInit?: number;
  /** Maximum Lloyd iterations per restart. Default: 300. */
  maxIterations?: number;
  /**
   * Convergence tolerance, relative to the data's scale as in
   * scikit-learn: a restart stops when the sum of squared centre shifts of
   * one iteration is at most `tolerance` times the mean feature variance.
   * 0 waits until the labels stop changing. Default: 1e-4.
   */
  tolerance?: number;
  /**
   * Seed of every random choice; each restart draws its own seed from it.
   * 0 is a valid seed. Default: drawn at random and stored in the result.
   */
  seed?: number;
}

/**
 * Result of {@link kmeans}: the fitted model (`centres`, `predict`), which
 * `saveBaseline` writes to a folder, and how the fit went.
 */
export interface KMeansResult extends FittedKMeans {
  /** Cluster of each training sample: 0 … nClusters − 1. */
  labels: Int32Array;
  /**
   * Sum of squared Euclidean distances of the samples to their centres,
   * computed from direct differences in float64.
   */
  inertia: number;
  /** Lloyd iterations of the kept restart. */
  nIterations: number;
  /** Whether the kept restart converged before `maxIterations`. */
  converged: boolean;
  /** Index of the kept restart, from 0. */
  bestInit: number;
  /** Inertia of every restart, in order. */
  inertias: number[];
  /** Name of the tfjs backend the distances ran on. */
  backend: string;
  /** Things worth knowing about this result; empty when all went well. */
  warnings: FixclustWarning[];
}

const OPTION_NAMES = optionNames<KMeansOptions>({
  nClusters: true,
  nInit: true,
  maxIterations: true,
  tolerance: true,
  seed: true,
});

interface KMeansSettings {
  nClusters: number;
  nInit: number;
  maxIterations: number;
  tolerance: number;
  seed: number;
}

/**
 * Clusters the rows of `data` with k-means: greedy k-means++
 * initialisation, then Lloyd iterations, `nInit` times, keeping the restart
 * with the lowest inertia.
 *
 * Distances run on the active tfjs backend, 4,096 rows at a time, as
 * `|x|² − 2x·c + |c|²` on mean-centred data, so the caller picks the
 * backend before calling. Centre sums are float64, and the reported inertia
 * is computed in float64 from direct differences. A cluster that empties
 * takes the sample farthest from its centre and the result carries a
 * warning. CSR input is densified a block at a time. Every error below is
 * thrown before any tensor work.
 *
 * @param data - a dense matrix whose `x` is a Float32Array, or a CSR
 * matrix.
 * @throws InvalidParameterError for missing options, an unknown option,
 * a `data` argument that is not a matrix, or an invalid option, such as
 * "nClusters must be an integer between 1 and the number of samples (N),
 * got K".
 * @throws InvalidDataError for dense values that are not a Float32Array,
 * and for empty, malformed or non-finite data, naming the first bad row
 * and column.
 * @throws BackendUnavailableError, saying how to start one, when no tfjs
 * backend is registered or none starts.
 */
export async function kmeans(
  data: BaselineData,
  options: KMeansOptions,
): Promise<KMeansResult> {
  const settings = resolveOptions(options);
  assertValidInput(data);
  const source = rowSource(data);
  assertCountInRange('nClusters', settings.nClusters, source.nSamples);
  await requireBackend('kmeans');

  const prepared = prepareData(source);
  const tolerance = settings.tolerance * meanOf(prepared.variance);
  const random = new Random(settings.seed);
  const outcomes: LloydOutcome[] = [];
  for (let init = 0; init < settings.nInit; init++) {
    const centres = kmeansPlusPlus(prepared, settings.nClusters, random.fork());
    outcomes.push(runLloyd(prepared, centres, { ...settings, tolerance }));
  }

  const bestInit = lowestInertia(outcomes);
  const best = outcomes[bestInit]!;
  const parameters = {
    kind: 'kmeans' as const,
    centredCentres: best.centres,
    mean: prepared.mean,
    nClusters: settings.nClusters,
    seed: settings.seed,
  };
  return createFitted(parameters, {
    labels: best.labels,
    inertia: best.inertia,
    nIterations: best.nIterations,
    converged: best.converged,
    bestInit,
    inertias: outcomes.map((o) => o.inertia),
    backend: tf.getBackend(),
    warnings: fitWarnings(source, best, settings),
  });
}

function resolveOptions(options: KMeansOptions): KMeansSettings {
  assertOptions(options, OPTION_NAMES, 'nClusters');
  const settings = {
    nClusters: options.nClusters,
    nInit: options.nInit ?? 10,
    maxIterations: options.maxIterations ?? 300,
    tolerance: options.tolerance ?? 1e-4,
    seed: resolveSeed(options.seed),
  };
  assertIntegerInRange('nInit', settings.nInit, 1);
  assertIntegerInRange('maxIterations', settings.maxIterations, 1);
  assertFiniteAbove('tolerance', settings.tolerance, 0, true);
  return settings;
}

interface PreparedData extends CentredData {
  variance: Float64Array;
}

function prepareData(source: RowSource): PreparedData {
  const moments = featureMoments(source);
  // The backend centres rows with a float32 mean; rounding it here makes
  // the float64 sums and distances centre rows by the same vector.
  const mean = Float64Array.from(Float32Array.from(moments.mean));
  const variance = moments.variance;
  const d = source.nFeatures;
  const rowNorms = new Float64Array(source.nSamples);
  source.forEachChunk((block, start, end) => {
    for (let i = start; i < end; i++) {
      let total = 0;
      for (let j = 0; j < d; j++) {
        total += (block[(i - start) * d + j]! - mean[j]!) ** 2;
      }
      rowNorms[i] = total;
    }
  });
  return { source, mean, rowNorms, variance };
}

/** Index of the lowest inertia; the earliest restart wins a tie. */
function lowestInertia(outcomes: readonly LloydOutcome[]): number {
  let best = 0;
  outcomes.forEach((outcome, i) => {
    if (outcome.inertia < outcomes[best]!.inertia) best = i;
  });
  return best;
}

function fitWarnings(
  source: RowSource,
  best: LloydOutcome,
  settings: KMeansSettings,
): FixclustWarning[] {
  const warnings: FixclustWarning[] = [];
  if (best.relocations.length > 0) {
    warnings.push(relocationWarning(best.relocations));
  }
  if (!best.converged) {
    warnings.push({
      code: 'not-converged',
      message:
        `k-means stopped after maxIterations (${settings.maxIterations}) ` +
        'Lloyd iterations without converging; raise maxIterations or ' +
        'tolerance',
    });
  }
  const warning = unusedClusterWarning(source, best.labels, settings.nClusters);
  if (warning !== undefined) warnings.push(warning);
  return warnings;
}

/**
 * Builds the warning about the kept restart's empty-cluster relocations,
 * listing the first 5 and counting the rest.
 */
export function relocationWarning(
  relocations: readonly Relocation[],
): FixclustWarning {
  const listed = relocations
    .slice(0, 5)
    .map(
      (r) => `cluster ${r.cluster} at iteration ${r.iteration} (row ${r.row})`,
    )
    .join(', ');
  const more =
    relocations.length > 5 ? ` and ${relocations.length - 5} more` : '';
  const times =
    relocations.length === 1 ? 'once' : `${relocations.length} times`;
  return {
    code: 'empty-cluster-relocated',
    message:
      `in the kept restart, a cluster lost all its samples ${times} and ` +
      `was moved to the sample farthest from its centre: ${listed}${more}`,
  };
}

/**
 * Warns when some clusters hold no sample in the final labels, saying how
 * many distinct points the data has when that is the cause.
 */
function unusedClusterWarning(
  source: RowSource,
  labels: Int32Array,
  nClusters: number,
): FixclustWarning | undefined {
  const sizes = clusterSizes(labels, nClusters);
  const used = sizes.filter((size) => size > 0).length;
  if (used === nClusters) return undefined;
  const unused = nClusters - used;
  const distinct = countDistinctRows(source, nClusters);
  if (distinct < nClusters) {
    const duplicates =
      unused === 1
        ? '1 centre duplicates another and holds'
        : `${unused} centres duplicate others and hold`;
    return {
      code: 'few-distinct-points',
      message:
        `the data has only ${countOf(distinct, 'distinct point')} for ` +
        `nClusters = ${nClusters}, so ${duplicates} no samples; use ` +
        `nClusters ≤ ${distinct}`,
    };
  }
  const hold = unused === 1 ? 'holds' : 'hold';
  return {
    code: 'empty-clusters',
    message:
      `${unused} of ${nClusters} clusters ${hold} no samples in the final ` +
      'labels; try more restarts (nInit) or fewer clusters',
  };
}

function meanOf(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total / values.length;
}
