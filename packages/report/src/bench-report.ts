import type { TopLevelSpec } from 'vega-lite';

import { htmlPage, htmlTable, section, warningList } from './html.js';
import { renderSvg } from './render.js';

/** One row of a benchmark grid, as `benchmarks.json` stores it. */
export interface BenchReportRow {
  dataset: string;
  /** `raw` or `pca<n>`. */
  features: string;
  method: string;
  seed: number;
  metrics: { purity: number; ari: number; nmi: number; accuracy: number };
  nClusters: number;
  nonEmptyClusters: number;
  fitSeconds: number;
  backend: { name: string };
}

/** Everything {@link benchReportHtml} shows. */
export interface BenchReportInput {
  title: string;
  /** The command line that ran the grid. */
  command: string;
  /** Date of the run, as `YYYY-MM-DD`. */
  date: string;
  /** Facts about the machine as name and value pairs. */
  machine: Array<[string, string]>;
  rows: BenchReportRow[];
  /** Cells that failed, one message each. */
  failures: string[];
}

/**
 * Builds the Vega-Lite spec of the benchmark bars: the accuracy of every
 * method, one panel per data set and feature set, averaged over seeds.
 */
export function benchChartSpec(rows: readonly BenchReportRow[]): TopLevelSpec {
  const values = rows.map((row) => ({
    cell: `${row.dataset} ${row.features}`,
    method: row.method,
    accuracy: row.metrics.accuracy,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Clustering accuracy per cell (mean over seeds)',
    data: { values },
    facet: { column: { field: 'cell', type: 'nominal', title: null } },
    spec: {
      width: { step: 22 },
      height: 200,
      mark: 'bar',
      encoding: {
        x: { field: 'method', type: 'nominal', title: 'method' },
        y: {
          aggregate: 'mean',
          field: 'accuracy',
          type: 'quantitative',
          title: 'accuracy',
          scale: { domain: [0, 1] },
        },
        color: { field: 'method', type: 'nominal', legend: null },
      },
    },
  };
}

/**
 * Builds the self-contained HTML report of a benchmark grid: the command,
 * the machine, a bar chart of accuracy per cell, the table of every row,
 * and the failed cells. The page loads nothing from anywhere.
 */
export async function benchReportHtml(
  input: BenchReportInput,
): Promise<string> {
  const overview = htmlTable(
    [],
    [['command', input.command], ['date', input.date], ...input.machine],
  );
  const chart =
    input.rows.length === 0
      ? '<p>No cell finished.</p>'
      : await renderSvg(benchChartSpec(input.rows));
  return htmlPage(input.title, [
    section('Overview', overview),
    section('Accuracy', chart),
    section('Results', benchTable(input.rows)),
    section('Failed cells', warningList(input.failures)),
  ]);
}

function benchTable(rows: readonly BenchReportRow[]): string {
  const header = [
    'dataset',
    'features',
    'method',
    'seed',
    'purity',
    'ARI',
    'NMI',
    'ACC',
    'non-empty clusters',
    'fit (s)',
    'backend',
  ];
  const cells = rows.map((row) => [
    row.dataset,
    row.features,
    row.method,
    row.seed,
    row.metrics.purity,
    row.metrics.ari,
    row.metrics.nmi,
    row.metrics.accuracy,
    `${row.nonEmptyClusters} of ${row.nClusters}`,
    row.fitSeconds,
    row.backend.name,
  ]);
  return htmlTable(header, cells, 3);
}
