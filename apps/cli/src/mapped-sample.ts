import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { pca } from '@fixclust/baselines';
import { Random, type Dataset } from '@fixclust/core';
import { sampleDataset, sampleSparseDataset } from '@fixclust/datasets';
import type { FitResult, FixedRepresentativeClustering } from '@fixclust/model';
import type { ClusterImages, MappedSample } from '@fixclust/report';

import { isSparse, type LoadedData } from './data-source.js';

/** Rows of the mapped sample that `--out` writes and the report draws. */
export const MAPPED_SAMPLE_SIZE = 2000;

/** Sample images per cluster in the report of an image data set. */
export const IMAGES_PER_CLUSTER = 8;

/** Contents of `mapped-sample.json`. */
export interface MappedSampleFile extends MappedSample {
  schemaVersion: 1;
  /** Seed the sample was drawn with: the run's seed. */
  seed: number;
  /** Position of each sampled row in the clustered data. */
  rows: number[];
  /** Sample images per cluster, for data sets of 2-D images. */
  images?: ClusterImages;
}

/**
 * Maps a seeded uniform sample of up to {@link MAPPED_SAMPLE_SIZE} rows
 * with the fitted model, adds their clusters and classes, the first two
 * principal components of all d mapped coordinates (for d of 3 or more,
 * d being the representatives' dimension, k for the default layout)
 * with the representatives projected on them, and, for 2-D images, up to
 * {@link IMAGES_PER_CLUSTER} seeded sample images of every cluster.
 */
export async function mappedSample(
  model: FixedRepresentativeClustering,
  data: LoadedData,
  result: FitResult,
  seed: number,
): Promise<MappedSampleFile> {
  const size = Math.min(MAPPED_SAMPLE_SIZE, data.nSamples);
  const unsampled = { ...data, sourceRows: undefined };
  const sample = isSparse(unsampled)
    ? sampleSparseDataset(unsampled, size, new Random(seed))
    : sampleDataset(unsampled, size, new Random(seed));
  // Sampling every row returns the data as it is, without sourceRows.
  const rows =
    sample.sourceRows === undefined
      ? Array.from({ length: size }, (_, i) => i)
      : Array.from(sample.sourceRows);
  const k = result.nClusters;
  const dimension = result.representatives[0]?.length ?? k;
  const mapped = toRows(await model.transform(sample), dimension);

  const file: MappedSampleFile = {
    schemaVersion: 1,
    seed,
    rows,
    nClusters: k,
    mapped,
    clusters: rows.map((row) => result.labels[row]!),
    representatives: result.representatives,
  };
  if (data.labels !== undefined) {
    const labels = data.labels;
    file.classes = rows.map((row) => labels[row]!);
  }
  if (dimension >= 3) await addPca(file, sample.nSamples, dimension);
  const images = isSparse(data) ? undefined : clusterImages(data, result, seed);
  if (images !== undefined) file.images = images;
  return file;
}

/** Writes `mapped-sample.json` into `directory`. */
export async function writeMappedSample(
  directory: string,
  sample: MappedSampleFile,
): Promise<void> {
  await writeFile(
    join(directory, 'mapped-sample.json'),
    `${JSON.stringify(sample)}\n`,
  );
}

async function addPca(
  file: MappedSampleFile,
  nSamples: number,
  dimension: number,
) {
  const fitted = await pca(
    {
      x: Float32Array.from(file.mapped.flat()),
      nSamples,
      nFeatures: dimension,
    },
    { nComponents: 2 },
  );
  const project = (rows: number[][]) =>
    toRows(
      fitted.transform({
        x: Float32Array.from(rows.flat()),
        nSamples: rows.length,
        nFeatures: dimension,
      }).x,
      2,
    );
  file.pca = project(file.mapped);
  file.representativesPca = project(file.representatives);
}

/**
 * Picks up to {@link IMAGES_PER_CLUSTER} rows of every cluster, in the
 * order of a seeded permutation; undefined unless a sample is a 2-D image
 * (a shape of `[height, width]` or `[height, width, 1]`).
 */
function clusterImages(
  data: Dataset,
  result: FitResult,
  seed: number,
): ClusterImages | undefined {
  const shape = data.sampleShape;
  const isImage =
    shape !== undefined &&
    (shape.length === 2 || (shape.length === 3 && shape[2] === 1));
  if (!isImage) return undefined;

  const [height, width] = shape as [number, number];
  const images: number[][][] = Array.from(
    { length: result.nClusters },
    () => [],
  );
  for (const row of new Random(seed).permutation(data.nSamples)) {
    const cluster = images[result.labels[row]!]!;
    if (cluster.length >= IMAGES_PER_CLUSTER) continue;
    const pixels = data.x.subarray(
      row * data.nFeatures,
      (row + 1) * data.nFeatures,
    );
    cluster.push(Array.from(pixels, round));
  }
  return { width, height, images };
}

/** Splits a row-major matrix into rows of `width` rounded values. */
function toRows(values: ArrayLike<number>, width: number): number[][] {
  const rows: number[][] = [];
  for (let start = 0; start < values.length; start += width) {
    rows.push(
      Array.from({ length: width }, (_, j) => round(values[start + j]!)),
    );
  }
  return rows;
}

/** Rounds to 5 significant digits, which keeps the JSON file small. */
function round(value: number): number {
  return Number(value.toPrecision(5));
}
