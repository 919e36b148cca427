/**
 * Charts, self-contained HTML reports and their inputs for fixclust runs
 * and benchmark grids. Charts are Vega-Lite specs rendered to SVG in Node
 * by `vega`, and rasterised to PNG by resvg where a raster is wanted.
 *
 * @packageDocumentation
 */
export {
  benchChartSpec,
  benchReportHtml,
  type BenchReportInput,
  type BenchReportRow,
} from './bench-report.js';
export {
  confusionChartSpec,
  matchedConfusion,
  type MatchedConfusion,
} from './charts/confusion.js';
export { imageGridSvg, type ImageGridOptions } from './charts/image-grid.js';
export { lossChartSpec } from './charts/loss.js';
export { mappedSpaceSpec, type MappedSpaceOptions } from './charts/mapped.js';
export { clusterSizesSpec } from './charts/sizes.js';
export { escapeHtml } from './html.js';
export { renderSvg, svgToPng, type PngOptions } from './render.js';
export {
  metricTable,
  runReportHtml,
  type RunReportInput,
} from './run-report.js';
export type {
  ClusterImages,
  MappedSample,
  MetricRow,
  RunHistory,
} from './types.js';
