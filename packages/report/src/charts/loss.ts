import type { TopLevelSpec } from 'vega-lite';

import type { RunHistory } from '../types.js';

/** One point of a loss curve. */
interface LossPoint {
  series: string;
  run: string;
  term: string;
  epoch: number;
  value: number;
  kept: boolean;
}

const TERMS = [
  ['epochLosses', 'total loss'],
  ['epochClustering', 'clustering term'],
  ['epochVariableFeatures', 'variable-features term'],
  ['epochReconstruction', 'reconstruction error'],
] as const;

/**
 * Builds the Vega-Lite spec of the loss per epoch: one line per run and
 * recorded term, runs and epochs numbered from 1. The kept run
 * (`bestRun`, counted from 0) is drawn thick and opaque, the others thin
 * and faded. Terms other than the total loss (the clustering and
 * variable-features terms, the reconstruction error) appear as dashed
 * lines for the runs that record them.
 */
export function lossChartSpec(
  runs: readonly RunHistory[],
  bestRun: number,
): TopLevelSpec {
  const points = runs.flatMap((run) => lossPoints(run, run.run === bestRun));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Loss per epoch',
    width: 480,
    height: 260,
    data: { values: points },
    // A small point on every epoch, so each recorded value is visible and
    // countable even where lines overlap.
    mark: { type: 'line', point: { filled: true, size: 12 } },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative',
        title: 'epoch',
        axis: { tickMinStep: 1 },
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: 'mean loss',
        scale: { zero: false },
      },
      color: { field: 'run', type: 'nominal', title: 'run' },
      strokeDash: {
        field: 'term',
        type: 'nominal',
        title: 'term',
        legend: { labelLimit: 240 },
      },
      detail: { field: 'series', type: 'nominal' },
      strokeWidth: {
        condition: { test: 'datum.kept', value: 3 },
        value: 1,
      },
      opacity: { condition: { test: 'datum.kept', value: 1 }, value: 0.45 },
    },
  };
}

function lossPoints(run: RunHistory, kept: boolean): LossPoint[] {
  const name = `run ${run.run + 1}${kept ? ' (kept)' : ''}`;
  const points: LossPoint[] = [];
  for (const [field, term] of TERMS) {
    const values = run[field];
    if (values === undefined) continue;
    values.forEach((value, epoch) => {
      points.push({
        series: `${name} ${term}`,
        run: name,
        term,
        epoch: epoch + 1,
        value,
        kept,
      });
    });
  }
  return points;
}
