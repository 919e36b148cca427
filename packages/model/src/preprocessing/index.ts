import type { FixclustWarning } from '@fixclust/core';

import type { DataMatrix } from '../data.js';
import type { ResolvedOptions } from '../options.js';
import {
  applyPca,
  fitPca,
  type PcaParameters,
  type PcaProgress,
} from './pca.js';
import { applyScaling, fitScaling, type ScalingParameters } from './scaling.js';

export type { PcaParameters, PcaProgress } from './pca.js';
export type { ScalingParameters } from './scaling.js';

/**
 * Fitted preprocessing applied to the input before the network: the PCA
 * projection first, then the scaling. Absent steps are off.
 */
export interface Preprocessing {
  pca?: PcaParameters;
  scaling?: ScalingParameters;
}

/** Callbacks of {@link fitPreprocessing}. */
export interface PreprocessingCallbacks {
  /**
   * Called when the PCA fit starts and when it ends, with the rows,
   * features and components, so a caller can report a long fit. Not
   * called without `pca`.
   */
  onPcaProgress?: ((progress: PcaProgress) => void) | undefined;
}

/**
 * Fits the preprocessing the options ask for on the training data and
 * returns it with the preprocessed training data. Without preprocessing
 * the data is returned as it is.
 *
 * @throws InvalidParameterError for a `pca` count the data cannot give or
 * a scaling that would densify sparse data.
 */
export async function fitPreprocessing(
  data: DataMatrix,
  options: Pick<ResolvedOptions, 'pca' | 'scaling'>,
  callbacks: PreprocessingCallbacks = {},
): Promise<{
  preprocessing: Preprocessing;
  data: DataMatrix;
  warnings: FixclustWarning[];
}> {
  const preprocessing: Preprocessing = {};
  const warnings: FixclustWarning[] = [];
  let current = data;
  if (options.pca !== null) {
    const fitted = await fitPca(current, options.pca, callbacks.onPcaProgress);
    preprocessing.pca = fitted.parameters;
    warnings.push(...fitted.warnings);
    current = await applyPca(current, fitted.parameters);
  }
  if (options.scaling !== 'none') {
    preprocessing.scaling = fitScaling(current, options.scaling);
    current = applyScaling(current, preprocessing.scaling);
  }
  return { preprocessing, data: current, warnings };
}

/** Applies fitted preprocessing to new rows; returns `data` when none. */
export async function applyPreprocessing(
  data: DataMatrix,
  preprocessing: Preprocessing | undefined,
): Promise<DataMatrix> {
  let current = data;
  if (preprocessing?.pca !== undefined) {
    current = await applyPca(current, preprocessing.pca);
  }
  if (preprocessing?.scaling !== undefined) {
    current = applyScaling(current, preprocessing.scaling);
  }
  return current;
}

/** Number of features the network reads after `preprocessing`. */
export function preprocessedFeatures(
  nFeatures: number,
  preprocessing: Preprocessing | undefined,
): number {
  return preprocessing?.pca?.nComponents ?? nFeatures;
}
