import { isCsrMatrix, type ClusteringLoss } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import { forEachChunk, type DataMatrix } from './data.js';
import {
  assignClusters,
  disposeRepresentatives,
  posteriors,
  representativeTensors,
  type RepresentativeTensors,
} from './losses.js';
import { mixtureLogJoint } from './mixture/losses.js';
import {
  disposeMixtureConstants,
  mixtureConstants,
  type MixtureTensors,
} from './mixture/parameters.js';
import { capBatchRows } from './network/convolution.js';
import {
  disposeTensors,
  forward,
  toTensors,
  type NetworkTensors,
  type NetworkWeights,
} from './network/index.js';

/** A network and its representatives: everything prediction needs. */
export interface Predictor {
  weights: NetworkWeights;
  points: number[][];
}

/** Tensors a prediction chunk reads. */
interface PredictionTensors {
  network: NetworkTensors;
  representatives: RepresentativeTensors;
  /** The trained mixture, when the predictor has one. */
  mixture: MixtureTensors | undefined;
}

type ChunkFunction = (x: tf.Tensor2D, tensors: PredictionTensors) => tf.Tensor;

/**
 * Largest number of values (2^20, 4 MiB of float32) in one densified chunk
 * of sparse rows. A 4096-row chunk of 20 Newsgroups' 2,000 TF-IDF features
 * would take 31 MiB, densified anew for every run's prediction.
 */
const MAX_SPARSE_CHUNK_VALUES = 2 ** 20;

/**
 * Assigns each row to a cluster, in chunks: its nearest representative,
 * or with trained mixture parameters its most probable component.
 */
export function predictLabels(
  predictor: Predictor,
  data: DataMatrix,
  chunkSize: number,
  loss: ClusteringLoss = 'km',
): Promise<Int32Array> {
  const labels = new Int32Array(data.nSamples);
  return mapChunks(predictor, loss, data, chunkSize, labels, 1, (x, t) => {
    const y = forward(x, t.network);
    return t.mixture === undefined
      ? assignClusters(y, t.representatives)
      : tf.argMax(mixtureLogJoint(y, t.mixture), 1);
  });
}

/** Returns the mapped coordinates, `nSamples × d` row-major, in chunks. */
export function mapRows(
  predictor: Predictor,
  data: DataMatrix,
  chunkSize: number,
): Promise<Float32Array> {
  const dimension = predictor.points[0]!.length;
  const output = new Float32Array(data.nSamples * dimension);
  return mapChunks(
    predictor,
    'km',
    data,
    chunkSize,
    output,
    dimension,
    (x, t) => forward(x, t.network),
  );
}

/** Returns the mixture posteriors, `nSamples × k` row-major, in chunks. */
export function componentPosteriors(
  predictor: Predictor,
  loss: 'gmm' | 'cmm',
  data: DataMatrix,
  chunkSize: number,
): Promise<Float32Array> {
  const k = predictor.points.length;
  const output = new Float32Array(data.nSamples * k);
  return mapChunks(predictor, loss, data, chunkSize, output, k, (x, t) => {
    const y = forward(x, t.network);
    return t.mixture === undefined
      ? posteriors(loss, y, t.representatives)
      : tf.softmax(mixtureLogJoint(y, t.mixture));
  });
}

/**
 * Rows per prediction chunk: `chunkSize`, fewer for the CNN so that its
 * patch matrix stays bounded, and fewer for sparse data so that a densified
 * chunk contains at most {@link MAX_SPARSE_CHUNK_VALUES} values.
 */
function chunkRows(
  weights: NetworkWeights,
  data: DataMatrix,
  chunkSize: number,
): number {
  let rows = chunkSize;
  if (weights.image !== undefined) {
    rows = capBatchRows(rows, weights.image.height, weights.convolutions!);
  }
  if (isCsrMatrix(data.x)) {
    const cap = Math.floor(MAX_SPARSE_CHUNK_VALUES / data.nFeatures);
    rows = Math.max(1, Math.min(rows, cap));
  }
  return rows;
}

/**
 * Applies `compute` to each chunk of rows and copies its `width` values per
 * row into `output`. Reads are asynchronous, because GPU backends cannot
 * read synchronously in Node.
 */
async function mapChunks<T extends Float32Array | Int32Array>(
  predictor: Predictor,
  loss: ClusteringLoss,
  data: DataMatrix,
  chunkSize: number,
  output: T,
  width: number,
  compute: ChunkFunction,
): Promise<T> {
  const rows = chunkRows(predictor.weights, data, chunkSize);
  const network = toTensors(predictor.weights);
  const representatives = representativeTensors(predictor.points);
  const fitted = predictor.weights.mixture;
  const mixture =
    fitted === undefined || loss === 'km'
      ? undefined
      : mixtureConstants(loss, fitted, representatives.points);
  const tensors = { network, representatives, mixture };
  try {
    await forEachChunk(data, rows, async (x, start) => {
      const result = tf.tidy(() => compute(x, tensors));
      try {
        output.set(await result.data(), start * width);
      } finally {
        result.dispose();
      }
    });
  } finally {
    disposeTensors(network);
    if (mixture !== undefined) {
      disposeMixtureConstants(mixture, representatives.points);
    }
    disposeRepresentatives(representatives);
  }
  return output;
}
