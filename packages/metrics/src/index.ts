/**
 * External clustering metrics: purity, adjusted Rand index, normalized
 * mutual information and clustering accuracy, computed in float64 from a
 * contingency table of class and cluster labels. Also two label-free
 * measures computed from the data: the silhouette and the Davies–Bouldin
 * index.
 *
 * @packageDocumentation
 */
export { adjustedRandIndex } from './adjusted-rand-index.js';
export { clusteringAccuracy } from './clustering-accuracy.js';
export { contingencyTable, type ContingencyTable } from './contingency.js';
export { daviesBouldinScore } from './davies-bouldin.js';
export { externalMetrics, type ExternalMetrics } from './external-metrics.js';
export type { Labels } from './labels.js';
export { normalizedMutualInfo } from './normalized-mutual-info.js';
export { purity } from './purity.js';
export {
  DEFAULT_SILHOUETTE_SAMPLE_SIZE,
  silhouetteScore,
  type FeatureMatrix,
  type SilhouetteOptions,
  type SilhouetteResult,
} from './silhouette.js';
