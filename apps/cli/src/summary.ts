import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type {
  BackendInfo,
  Dataset,
  FixclustWarning,
  RunRecord,
  SkippedBackend,
} from '@fixclust/core';
import type { ExternalMetrics } from '@fixclust/metrics';
import type { FitResult, ResolvedOptions } from '@fixclust/model';

/**
 * Contents of `summary.json`. `schemaVersion` changes whenever a field is
 * renamed or removed; new fields may appear without a change.
 */
export interface RunSummary {
  schemaVersion: 1;
  command: 'run';
  /** ISO 8601 time the run finished. */
  createdAt: string;
  dataset: {
    name: string;
    path: string | null;
    nSamples: number;
    nFeatures: number;
    nClasses: number | null;
    /** Rows sampled with `--limit`, or null for all rows. */
    limit: number | null;
  };
  /** Every model setting, defaults filled in, and the preset named. */
  settings: ResolvedOptions & { preset: string };
  seed: number;
  backend: BackendInfo & { skipped: SkippedBackend[] };
  /** Milliseconds spent loading, fitting (with prediction) and in all. */
  timings: { loadMs: number; fitMs: number; totalMs: number };
  /** Metrics of the untrained network; null without true labels. */
  init: ExternalMetrics | null;
  /** Metrics of the trained model; null without true labels. */
  trained: ExternalMetrics | null;
  /** Number of samples in each cluster of the trained model. */
  clusterSizes: number[];
  /** Clusters of the trained model that received no sample. */
  emptyClusters: number[];
  /** How many runs ended in a collapsed clustering, the kept one included. */
  collapsedRuns: number;
  bestRun: number;
  /** Loss history of every run. */
  runs: RunRecord[];
  /** Whether training was interrupted. */
  aborted: boolean;
  warnings: FixclustWarning[];
}

/**
 * Writes `labels.csv` (columns `index`, `label`, `init_label` and, when the
 * data has classes, `class`) and `summary.json` into `directory`, creating
 * it when needed.
 */
export async function writeRunOutputs(
  directory: string,
  summary: RunSummary,
  result: FitResult,
  dataset: Dataset,
): Promise<void> {
  await mkdir(directory, { recursive: true });
  await writeFile(
    join(directory, 'labels.csv'),
    labelsCsv(result, dataset.labels),
  );
  await writeFile(
    join(directory, 'summary.json'),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
}

function labelsCsv(result: FitResult, classes: Int32Array | undefined) {
  const header =
    classes === undefined
      ? 'index,label,init_label'
      : 'index,label,init_label,class';
  const lines = [header];
  for (let i = 0; i < result.labels.length; i++) {
    const row = [i, result.labels[i], result.initLabels[i]];
    if (classes !== undefined) row.push(classes[i]);
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}
