import * as tf from '@tensorflow/tfjs-core';

import { forEachChunk, type DataMatrix } from './data.js';
import {
  assignClusters,
  disposeRepresentatives,
  posteriors,
  representativeTensors,
} from './losses.js';
import {
  disposeTensors,
  forward,
  toTensors,
  type LayerTensors,
  type NetworkWeights,
} from './network.js';

/** A network and its representatives: everything prediction needs. */
export interface Predictor {
  weights: NetworkWeights;
  points: number[][];
}

type ChunkFunction = (
  x: tf.Tensor2D,
  layers: LayerTensors[],
  representatives: ReturnType<typeof representativeTensors>,
) => tf.Tensor;

/** Assigns each row to its nearest representative, in chunks. */
export function predictLabels(
  predictor: Predictor,
  data: DataMatrix,
  chunkSize: number,
): Promise<Int32Array> {
  const labels = new Int32Array(data.nSamples);
  return mapChunks(predictor, data, chunkSize, labels, 1, (x, layers, reps) =>
    assignClusters(forward(x, layers), reps),
  );
}

/** Returns the mapped coordinates, `nSamples × d` row-major, in chunks. */
export function mapRows(
  predictor: Predictor,
  data: DataMatrix,
  chunkSize: number,
): Promise<Float32Array> {
  const dimension = predictor.points[0]!.length;
  const output = new Float32Array(data.nSamples * dimension);
  return mapChunks(predictor, data, chunkSize, output, dimension, (x, layers) =>
    forward(x, layers),
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
  return mapChunks(predictor, data, chunkSize, output, k, (x, layers, reps) =>
    posteriors(loss, forward(x, layers), reps),
  );
}

/**
 * Applies `compute` to each chunk of rows and copies its `width` values per
 * row into `output`. Reads are asynchronous, because GPU backends cannot
 * read synchronously in Node.
 */
async function mapChunks<T extends Float32Array | Int32Array>(
  predictor: Predictor,
  data: DataMatrix,
  chunkSize: number,
  output: T,
  width: number,
  compute: ChunkFunction,
): Promise<T> {
  const layers = toTensors(predictor.weights);
  const representatives = representativeTensors(predictor.points);
  try {
    await forEachChunk(data, chunkSize, async (x, start) => {
      const result = tf.tidy(() => compute(x, layers, representatives));
      try {
        output.set(await result.data(), start * width);
      } finally {
        result.dispose();
      }
    });
  } finally {
    disposeTensors(layers);
    disposeRepresentatives(representatives);
  }
  return output;
}
