import { basename, extname } from 'node:path';

import type { Dataset } from '@fixclust/core';

/**
 * A data set read from a user's file: a {@link Dataset} that also keeps the
 * original class values and column names.
 */
export interface UserDataset extends Dataset {
  /**
   * Original class value of each label, indexed by label: `labels[i]` is
   * class `classNames[labels[i]]`. Present exactly when `labels` is.
   */
  classNames?: string[];
  /** Names of the feature columns, from a CSV header row. */
  featureNames?: string[];
}

/** Returns the data set name for a file: its base name without extension. */
export function datasetNameFromPath(path: string): string {
  const base = basename(path);
  const name = base.slice(0, base.length - extname(base).length);
  return name === '' ? base : name;
}
