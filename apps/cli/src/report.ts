import type { BackendInfo, FixclustWarning } from '@fixclust/core';
import type { ExternalMetrics } from '@fixclust/metrics';
import type { EpochProgress } from '@fixclust/model';

/**
 * Formats one progress line: run, epoch, mean loss, the autoencoder's
 * reconstruction error when there is one, and elapsed time.
 */
export function formatProgress(progress: EpochProgress): string {
  const run = `${progress.run + 1}`.padStart(String(progress.nRuns).length);
  const epoch = `${progress.epoch + 1}`.padStart(
    String(progress.epochs).length,
  );
  const reconstruction =
    progress.reconstruction === undefined
      ? ''
      : `reconstruction ${progress.reconstruction.toFixed(4)}  `;
  return (
    `run ${run}/${progress.nRuns}  epoch ${epoch}/${progress.epochs}  ` +
    `loss ${progress.loss.toFixed(4)}  ${reconstruction}` +
    `elapsed ${formatSeconds(progress.elapsedMs)}`
  );
}

/** Formats milliseconds as seconds with one decimal, such as `12.3 s`. */
export function formatSeconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

/** Formats a backend as `wasm 4.22.0 (1 thread, SIMD on)`. */
export function formatBackend(backend: BackendInfo): string {
  const threads = `${backend.threads} thread${backend.threads === 1 ? '' : 's'}`;
  const details = backend.details === undefined ? '' : `, ${backend.details}`;
  return `${backend.name} ${backend.version} (${threads}${details})`;
}

const METRIC_COLUMNS: Array<[keyof ExternalMetrics, string]> = [
  ['purity', 'purity'],
  ['ari', 'ARI'],
  ['nmi', 'NMI'],
  ['accuracy', 'ACC'],
];

/** Formats the metric table of the init and trained models. */
export function formatMetricTable(
  rows: ReadonlyArray<[string, ExternalMetrics]>,
): string {
  const header = ['model  ', ...METRIC_COLUMNS.map(([, t]) => t.padStart(7))];
  const lines = [header.join(' ')];
  for (const [name, metrics] of rows) {
    const values = METRIC_COLUMNS.map(([key]) =>
      metrics[key].toFixed(4).padStart(7),
    );
    lines.push([name.padEnd(7), ...values].join(' '));
  }
  return lines.join('\n');
}

/** Formats warnings, one `warning:` line each. */
export function formatWarnings(warnings: readonly FixclustWarning[]): string {
  return warnings.map((w) => `warning: ${w.message}`).join('\n');
}
