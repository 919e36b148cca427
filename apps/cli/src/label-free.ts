import { densifyRows, Random, type StreamingDataset } from '@fixclust/core';
import { daviesBouldinScore, silhouetteScore } from '@fixclust/metrics';

import { isSparse, type LoadedData } from './data-source.js';

/** Rows the label-free measures are computed on, at most. */
export const LABEL_FREE_SAMPLE_SIZE = 2000;

/**
 * Silhouette and Davies–Bouldin index of a clustering; null when the
 * sample contains fewer than 2 clusters, where neither is defined.
 */
export interface LabelFreeMeasures {
  silhouette: number | null;
  daviesBouldin: number | null;
  /** Rows of the seeded sample both were computed on. */
  sampleSize: number;
}

/**
 * Computes the silhouette and the Davies–Bouldin index on a seeded sample
 * of at most `maxSampleSize` rows (default {@link LABEL_FREE_SAMPLE_SIZE}), densified when the data
 * is sparse, so the cost stays bounded on any data set.
 */
export function labelFreeMeasures(
  data: LoadedData,
  labels: Int32Array,
  seed: number,
  maxSampleSize: number = LABEL_FREE_SAMPLE_SIZE,
): LabelFreeMeasures {
  const size = Math.min(maxSampleSize, data.nSamples);
  const rows = new Random(seed).sample(data.nSamples, size);
  const x = new Float32Array(size * data.nFeatures);
  if (isSparse(data)) {
    densifyRows(data.x, rows, 0, size, x);
  } else {
    const width = data.nFeatures;
    rows.forEach((row, i) => {
      x.set(data.x.subarray(row * width, (row + 1) * width), i * width);
    });
  }
  return sampleMeasures(x, rows, labels, data.nFeatures);
}

/**
 * Computes the measures of {@link labelFreeMeasures} on a streaming data
 * set, reading the same seeded sample of rows one at a time.
 */
export async function labelFreeMeasuresOfStream(
  data: StreamingDataset,
  labels: Int32Array,
  seed: number,
  maxSampleSize: number = LABEL_FREE_SAMPLE_SIZE,
): Promise<LabelFreeMeasures> {
  const size = Math.min(maxSampleSize, data.nSamples);
  const rows = new Random(seed).sample(data.nSamples, size);
  const width = data.nFeatures;
  const x = new Float32Array(size * width);
  for (let i = 0; i < size; i++) {
    await data.readRows(rows[i]!, 1, x.subarray(i * width, (i + 1) * width));
  }
  return sampleMeasures(x, rows, labels, width);
}

function sampleMeasures(
  x: Float32Array,
  rows: ArrayLike<number>,
  labels: Int32Array,
  nFeatures: number,
): LabelFreeMeasures {
  const size = rows.length;
  const sample = { x, nSamples: size, nFeatures };
  const sampleLabels = Int32Array.from(rows, (row) => labels[row]!);
  const distinct = new Set(sampleLabels).size;
  if (distinct < 2 || distinct > size - 1) {
    return { silhouette: null, daviesBouldin: null, sampleSize: size };
  }
  return {
    silhouette: silhouetteScore(sample, sampleLabels, { sampleSize: size })
      .score,
    daviesBouldin: daviesBouldinScore(sample, sampleLabels),
    sampleSize: size,
  };
}
