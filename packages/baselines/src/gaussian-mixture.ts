import {
  assertFiniteAbove,
  assertIntegerInRange,
  Random,
  type FixclustWarning,
} from '@fixclust/core';

import {
  assertValidInput,
  featureMoments,
  rowSource,
  type BaselineData,
  type RowSource,
} from './data.js';
import {
  createFitted,
  mostProbable,
  type FittedGaussianMixture,
} from './fitted.js';
import { kmeans } from './kmeans.js';
import {
  COLLAPSE_ADVICE,
  describeCollapse,
  recordCollapses,
  type CollapseAction,
  type CollapsedComponent,
} from './mixture-collapse.js';
import {
  COVARIANCE_TYPES,
  expectation,
  maximisation,
  type CovarianceType,
  type MaximisationSettings,
  type MixtureParameters,
} from './mixture-estimation.js';
import {
  assertChoice,
  assertCountInRange,
  assertOptions,
  optionNames,
  resolveSeed,
} from './options.js';
import { requireBackend } from './tensor-ops.js';

/** Options of {@link gaussianMixture}. */
export interface GaussianMixtureOptions {
  /** Number of mixture components, from 1 to the number of samples. Required. */
  nComponents: number;
  /**
   * `full`: one unrestricted covariance matrix per component, O(n k d²)
   * work per EM iteration; `diag`: one variance per feature and component,
   * O(n k d). Default: `full`.
   */
  covarianceType?: CovarianceType;
  /**
   * Non-negative value added to the diagonal of every covariance, so that
   * covariances stay positive definite. Default: 1e-6.
   */
  regCovar?: number;
  /**
   * Restarts from independent k-means initialisations; the one with the
   * highest lower bound is kept. Default: 1.
   */
  nInit?: number;
  /** Maximum EM iterations per restart. Default: 100. */
  maxIterations?: number;
  /**
   * A restart stops when the mean log-likelihood per sample changes by
   * less than this between two iterations. Default: 1e-3.
   */
  tolerance?: number;
  /**
   * Seed of the k-means initialisations; each restart draws its own seed
   * from it. 0 is a valid seed. Default: drawn at random and stored in the
   * result.
   */
  seed?: number;
  /**
   * `warn`: keep fitting and list collapsed components in the result and
   * its warnings; `raise`: throw a `CollapsedComponentError` at the
   * first collapse of any restart. Default: `warn`.
   */
  onCollapse?: CollapseAction;
}

/**
 * Result of {@link gaussianMixture}: the fitted model (`weights`, `means`,
 * `covariances`, `predict`, `predictProba`), which `saveBaseline` writes
 * to a folder, and how the fit went.
 */
export interface GaussianMixtureResult extends FittedGaussianMixture {
  /** Most probable component of each training sample. */
  labels: Int32Array;
  /**
   * Mean log-likelihood per sample of the kept restart at its last
   * E-step, the lower bound EM increases.
   */
  lowerBound: number;
  /** Whether the kept restart met the tolerance before `maxIterations`. */
  converged: boolean;
  /** EM iterations of the kept restart. */
  nIterations: number;
  /** Index of the kept restart, from 0. */
  bestInit: number;
  /** Components that collapsed in an M-step of the kept restart. */
  collapsedComponents: CollapsedComponent[];
  /** Things worth knowing about this result; empty when all went well. */
  warnings: FixclustWarning[];
}

const OPTION_NAMES = optionNames<GaussianMixtureOptions>({
  nComponents: true,
  covarianceType: true,
  regCovar: true,
  nInit: true,
  maxIterations: true,
  tolerance: true,
  seed: true,
  onCollapse: true,
});

interface MixtureSettings extends Omit<MaximisationSettings, 'dataVariance'> {
  nComponents: number;
  nInit: number;
  maxIterations: number;
  tolerance: number;
  seed: number;
  onCollapse: CollapseAction;
}

/** Outcome of one EM restart. */
interface RestartOutcome {
  parameters: MixtureParameters;
  lowerBound: number;
  converged: boolean;
  nIterations: number;
  collapsed: CollapsedComponent[];
  initWarnings: FixclustWarning[];
}

/**
 * Fits a Gaussian mixture by expectation–maximisation, as scikit-learn's
 * `GaussianMixture` does. Responsibilities start from one k-means run, and
 * `regCovar` is added to every covariance's diagonal. Log-densities come
 * from Cholesky factors (ml-matrix) and are summed with log-sum-exp. A
 * restart stops when the mean log-likelihood per sample changes by less
 * than `tolerance`.
 *
 * EM runs in float64 JavaScript, and only the k-means initialisation uses
 * the active tfjs backend. `full` costs O(n k d²) per iteration, so on raw
 * MNIST (784 features) an iteration takes minutes. Use `diag` there, or
 * reduce the dimension with `pca` first.
 *
 * @param data - a dense matrix whose `x` is a Float32Array, or a CSR
 * matrix.
 * @throws InvalidParameterError before any tensor work, for missing
 * options, an unknown option, a `data` argument that is not a matrix, or
 * an invalid option, such as "nComponents must be an integer between 1 and
 * the number of samples (N), got K".
 * @throws InvalidDataError before any tensor work, for dense values that
 * are not a Float32Array, and for empty, malformed or non-finite data.
 * @throws BackendUnavailableError, saying how to start one, when no tfjs
 * backend is registered or none starts: the k-means initialisation runs
 * on it.
 * @throws CollapsedComponentError when a component collapses and
 * `onCollapse` is `raise`.
 */
export async function gaussianMixture(
  data: BaselineData,
  options: GaussianMixtureOptions,
): Promise<GaussianMixtureResult> {
  const settings = resolveOptions(options);
  assertValidInput(data);
  const source = rowSource(data);
  assertCountInRange('nComponents', settings.nComponents, source.nSamples);
  await requireBackend('gaussianMixture');

  const variance = featureMoments(source).variance;
  const dataVariance = variance.reduce((a, b) => a + b, 0) / variance.length;
  const random = new Random(settings.seed);
  const outcomes: RestartOutcome[] = [];
  for (let init = 0; init < settings.nInit; init++) {
    outcomes.push(
      await runRestart(data, source, { ...settings, dataVariance }, random),
    );
  }

  const bestInit = highestLowerBound(outcomes);
  const best = outcomes[bestInit]!;
  const { responsibilities } = expectation(source, best.parameters);
  const parameters = {
    kind: 'gaussian-mixture' as const,
    mixture: best.parameters,
    seed: settings.seed,
  };
  return createFitted(parameters, {
    labels: mostProbable(responsibilities, settings.nComponents),
    lowerBound: best.lowerBound,
    converged: best.converged,
    nIterations: best.nIterations,
    bestInit,
    collapsedComponents: best.collapsed,
    warnings: fitWarnings(best, settings),
  });
}

function resolveOptions(options: GaussianMixtureOptions): MixtureSettings {
  assertOptions(options, OPTION_NAMES, 'nComponents');
  const settings: MixtureSettings = {
    nComponents: options.nComponents,
    covarianceType: options.covarianceType ?? 'full',
    regCovar: options.regCovar ?? 1e-6,
    nInit: options.nInit ?? 1,
    maxIterations: options.maxIterations ?? 100,
    tolerance: options.tolerance ?? 1e-3,
    seed: resolveSeed(options.seed),
    onCollapse: options.onCollapse ?? 'warn',
  };
  assertChoice('covarianceType', settings.covarianceType, COVARIANCE_TYPES);
  assertFiniteAbove('regCovar', settings.regCovar, 0, true);
  assertIntegerInRange('nInit', settings.nInit, 1);
  assertIntegerInRange('maxIterations', settings.maxIterations, 1);
  assertFiniteAbove('tolerance', settings.tolerance, 0, true);
  assertChoice('onCollapse', settings.onCollapse, ['warn', 'raise']);
  return settings;
}

async function runRestart(
  data: BaselineData,
  source: RowSource,
  settings: MixtureSettings & MaximisationSettings,
  random: Random,
): Promise<RestartOutcome> {
  const k = settings.nComponents;
  const init = await kmeans(data, {
    nClusters: k,
    nInit: 1,
    seed: random.nextSeed(),
  });
  const collapsed = new Map<number, CollapsedComponent>();
  let step = maximisation(source, oneHot(init.labels, k), k, settings);
  recordCollapses(step.collapsed, 0, collapsed, settings.onCollapse);

  let lowerBound = -Infinity;
  let converged = false;
  let iteration = 0;
  while (iteration < settings.maxIterations && !converged) {
    iteration += 1;
    const previous = lowerBound;
    const e = expectation(source, step.parameters);
    step = maximisation(source, e.responsibilities, k, settings);
    recordCollapses(step.collapsed, iteration, collapsed, settings.onCollapse);
    lowerBound = e.meanLogLikelihood;
    converged = Math.abs(lowerBound - previous) < settings.tolerance;
  }
  return {
    parameters: step.parameters,
    lowerBound,
    converged,
    nIterations: iteration,
    collapsed: [...collapsed.values()].sort(
      (a, b) => a.component - b.component,
    ),
    initWarnings: init.warnings,
  };
}

function oneHot(labels: Int32Array, k: number): Float64Array {
  const responsibilities = new Float64Array(labels.length * k);
  labels.forEach((label, i) => (responsibilities[i * k + label] = 1));
  return responsibilities;
}

/** Index of the highest lower bound; the earliest restart wins a tie. */
function highestLowerBound(outcomes: readonly RestartOutcome[]): number {
  let best = 0;
  outcomes.forEach((outcome, i) => {
    if (outcome.lowerBound > outcomes[best]!.lowerBound) best = i;
  });
  return best;
}

function fitWarnings(
  best: RestartOutcome,
  settings: MixtureSettings,
): FixclustWarning[] {
  const warnings: FixclustWarning[] = best.initWarnings.map((w) => ({
    code: w.code,
    message: `k-means initialisation: ${w.message}`,
  }));
  for (const collapse of best.collapsed) {
    warnings.push({
      code: 'collapsed-component',
      message: `${describeCollapse(collapse)}; ${COLLAPSE_ADVICE}`,
    });
  }
  if (!best.converged) {
    warnings.push({
      code: 'not-converged',
      message:
        `EM stopped after maxIterations (${settings.maxIterations}) ` +
        'iterations without converging; raise maxIterations or tolerance',
    });
  }
  return warnings;
}
