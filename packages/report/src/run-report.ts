import { confusionChartSpec, matchedConfusion } from './charts/confusion.js';
import { imageGridSvg } from './charts/image-grid.js';
import { lossChartSpec } from './charts/loss.js';
import { mappedSpaceSpec } from './charts/mapped.js';
import { clusterSizesSpec } from './charts/sizes.js';
import {
  flattenSettings,
  htmlPage,
  htmlTable,
  prefixSvgIds,
  section,
  warningList,
} from './html.js';
import { renderSvg, svgToPng } from './render.js';
import type {
  ClusterImages,
  MappedSample,
  MetricRow,
  RunHistory,
} from './types.js';

/** Everything {@link runReportHtml} shows. */
export interface RunReportInput {
  /** Page title, such as `fixclust run: usps`. */
  title: string;
  /** Facts about the run as name and value pairs, such as data and seed. */
  overview: Array<[string, string]>;
  /** Every setting; nested objects are shown with dotted keys. */
  settings: object;
  /** Rows of the metric table; none for data without classes. */
  metrics: MetricRow[];
  warnings: string[];
  /** Loss history of every run. */
  runs: RunHistory[];
  /** Index in `runs` of the kept run, from 0. */
  bestRun: number;
  /** Samples per cluster, empty clusters included. */
  clusterSizes: number[];
  /**
   * Cluster and true class of every clustered sample, for the confusion
   * matrix; absent for data without classes.
   */
  assignments?: { clusters: ArrayLike<number>; classes: ArrayLike<number> };
  /** Mapped coordinates of a sample of rows, for the mapped-space charts. */
  mapped?: MappedSample;
  /** Sample images per cluster, for image data sets. */
  images?: ClusterImages;
}

/**
 * Builds the self-contained HTML report of one clustering run: the
 * overview, the metric table, the warnings, the settings, and the charts
 * (loss per epoch, cluster sizes, mapped space, confusion matrix, sample
 * images) inline as SVG, with the image grid as an inline PNG. The page
 * loads no script, style sheet, font or image from anywhere.
 */
export async function runReportHtml(input: RunReportInput): Promise<string> {
  const sections = [
    section('Overview', htmlTable([], input.overview)),
    section('Metrics', metricTable(input.metrics)),
    section('Warnings', warningList(input.warnings)),
    section('Training', await trainingCharts(input)),
  ];
  if (input.mapped !== undefined) {
    sections.push(section('Mapped space', await mappedCharts(input.mapped)));
  }
  if (input.assignments !== undefined) {
    const { classes, clusters } = input.assignments;
    const nClusters = input.clusterSizes.length;
    const confusion = matchedConfusion(classes, clusters, nClusters);
    const chart = await renderSvg(confusionChartSpec(confusion));
    sections.push(section('Confusion matrix', charts('confusion', [chart])));
  }
  if (input.images !== undefined) {
    sections.push(
      section('Sample images per cluster', imageGrid(input.images)),
    );
  }
  sections.push(
    section(
      'Settings',
      htmlTable(['setting', 'value'], flattenSettings(input.settings)),
    ),
  );
  return htmlPage(input.title, sections);
}

/** Builds the metric table, or a line saying the data has no classes. */
export function metricTable(rows: readonly MetricRow[]): string {
  if (rows.length === 0) {
    return '<p>The data has no true classes, so no metric applies.</p>';
  }
  return htmlTable(
    ['model', 'purity', 'ARI', 'NMI', 'ACC'],
    rows.map((row) => [row.name, row.purity, row.ari, row.nmi, row.accuracy]),
  );
}

async function trainingCharts(input: RunReportInput): Promise<string> {
  const loss = await renderSvg(lossChartSpec(input.runs, input.bestRun));
  const sizes = await renderSvg(clusterSizesSpec(input.clusterSizes));
  const split = input.runs.some((run) => run.epochClustering !== undefined);
  const note = split
    ? ''
    : '<p class="note">The training summary records the total loss per ' +
      'epoch only, so the clustering and variable-features terms are not ' +
      'drawn apart.</p>';
  return charts('training', [loss, sizes]) + note;
}

async function mappedCharts(sample: MappedSample): Promise<string> {
  const dimension = sample.representatives[0]?.length ?? sample.nClusters;
  if (dimension < 2) {
    return '<p>The mapped space has one coordinate, so there is no plane to draw.</p>';
  }
  const specs = [mappedSpaceSpec(sample, { axes: 'coordinates' })];
  if (sample.pca !== undefined) {
    specs.push(mappedSpaceSpec(sample, { axes: 'pca' }));
    if (sample.classes !== undefined) {
      specs.push(mappedSpaceSpec(sample, { axes: 'pca', colour: 'class' }));
    }
  }
  const rendered = await Promise.all(specs.map((spec) => renderSvg(spec)));
  const note =
    `<p class="note">A seeded sample of ${sample.clusters.length} rows; ` +
    'black crosses mark the representatives.</p>';
  return charts('mapped', rendered) + note;
}

function imageGrid(images: ClusterImages): string {
  const png = svgToPng(imageGridSvg(images));
  const data = Buffer.from(png).toString('base64');
  return (
    `<img alt="sample images, one row per cluster" ` +
    `src="data:image/png;base64,${data}">`
  );
}

/** Lays out SVG charts; `name` keeps their element ids unique in the page. */
function charts(name: string, svgs: readonly string[]): string {
  const inlined = svgs.map((svg, i) => prefixSvgIds(svg, `${name}-${i}-`));
  return `<div class="charts">\n${inlined.join('\n')}\n</div>`;
}
