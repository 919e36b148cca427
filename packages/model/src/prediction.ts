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
  type NetworkWeights,
} from './network.js';

/** A network and its representatives: everything prediction needs. */
export interface Predictor {
  weights: NetworkWeights;
  points: number[][];
}

/** Assigns each row to its nearest representative, in chunks. */
export function predictLabels(
  predictor: Predictor,
  data: DataMatrix,
  chunkSize: number,
): Int32Array {
  const labels = new Int32Array(data.nSamples);
  withTensors(predictor, (layers, representatives) => {
    forEachChunk(data, chunkSize, (x, start) => {
      const assigned = tf.tidy(() =>
        assignClusters(forward(x, layers), representatives),
      );
      labels.set(assigned.dataSync(), start);
      assigned.dispose();
    });
  });
  return labels;
}

/** Returns the mapped coordinates, `nSamples × d` row-major, in chunks. */
export function mapRows(
  predictor: Predictor,
  data: DataMatrix,
  chunkSize: number,
): Float32Array {
  const dimension = predictor.points[0]!.length;
  const output = new Float32Array(data.nSamples * dimension);
  withTensors(predictor, (layers) => {
    forEachChunk(data, chunkSize, (x, start) => {
      const y = tf.tidy(() => forward(x, layers));
      output.set(y.dataSync(), start * dimension);
      y.dispose();
    });
  });
  return output;
}

/** Returns the mixture posteriors, `nSamples × k` row-major, in chunks. */
export function componentPosteriors(
  predictor: Predictor,
  loss: 'gmm' | 'cmm',
  data: DataMatrix,
  chunkSize: number,
): Float32Array {
  const k = predictor.points.length;
  const output = new Float32Array(data.nSamples * k);
  withTensors(predictor, (layers, representatives) => {
    forEachChunk(data, chunkSize, (x, start) => {
      const p = tf.tidy(() =>
        posteriors(loss, forward(x, layers), representatives),
      );
      output.set(p.dataSync(), start * k);
      p.dispose();
    });
  });
  return output;
}

function withTensors(
  predictor: Predictor,
  body: (
    layers: ReturnType<typeof toTensors>,
    representatives: ReturnType<typeof representativeTensors>,
  ) => void,
): void {
  const layers = toTensors(predictor.weights);
  const representatives = representativeTensors(predictor.points);
  try {
    body(layers, representatives);
  } finally {
    disposeTensors(layers);
    disposeRepresentatives(representatives);
  }
}
