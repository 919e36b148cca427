import { pca } from '@fixclust/baselines';
import {
  assertIntegerInRange,
  isCsrMatrix,
  type FixclustWarning,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import { forEachChunk, type DataMatrix } from '../data.js';

/** A fitted principal component projection, `(x − mean) · componentsᵀ`. */
export interface PcaParameters {
  nComponents: number;
  /** Mean of each input feature, length nFeatures. */
  mean: Float32Array;
  /** Principal axes, `nComponents × nFeatures` row-major. */
  components: Float32Array;
}

/**
 * Progress of one PCA fit: a `start` event once the component count is
 * checked, and an `end` event once the components are fitted.
 */
export interface PcaProgress {
  phase: 'start' | 'end';
  /** Rows the components are fitted on. */
  nSamples: number;
  /** Input features of each row. */
  nFeatures: number;
  /** Principal components fitted. */
  nComponents: number;
  /** Milliseconds since the `start` event; 0 at `start`. */
  elapsedMs: number;
}

/** Rows projected per tensor chunk. */
const CHUNK_ROWS = 4096;

/**
 * Fits PCA with `pca` from `@fixclust/baselines` on the training data.
 * `onProgress` is called before and after the fit, which is slow on wide
 * input because it eigendecomposes the nFeatures × nFeatures covariance.
 *
 * @throws InvalidParameterError naming `pca` when the number of components
 * is not an integer between 1 and min(nSamples, nFeatures); `onProgress`
 * is not called then.
 */
export async function fitPca(
  data: DataMatrix,
  nComponents: number,
  onProgress?: (progress: PcaProgress) => void,
): Promise<{ parameters: PcaParameters; warnings: FixclustWarning[] }> {
  const limit = Math.min(data.nSamples, data.nFeatures);
  assertIntegerInRange(
    'pca',
    nComponents,
    1,
    limit,
    `min(nSamples, nFeatures) (${limit})`,
  );
  const input = isCsrMatrix(data.x)
    ? data.x
    : { x: data.x, nSamples: data.nSamples, nFeatures: data.nFeatures };

  const { nSamples, nFeatures } = data;
  const report = (phase: PcaProgress['phase'], elapsedMs: number) =>
    onProgress?.({ phase, nSamples, nFeatures, nComponents, elapsedMs });
  const startTime = performance.now();
  report('start', 0);
  const result = await pca(input, { nComponents });
  report('end', performance.now() - startTime);

  return {
    parameters: {
      nComponents,
      mean: Float32Array.from(result.mean),
      components: Float32Array.from(result.components),
    },
    warnings: result.warnings,
  };
}

/**
 * Projects every row onto the fitted components on the active tfjs
 * backend, a chunk of rows at a time, and returns a dense matrix.
 */
export async function applyPca(
  data: DataMatrix,
  parameters: PcaParameters,
): Promise<DataMatrix> {
  const m = parameters.nComponents;
  const output = new Float32Array(data.nSamples * m);
  const mean = tf.tensor1d(parameters.mean);
  const axes = tf.tensor2d(parameters.components, [m, data.nFeatures]);
  try {
    await forEachChunk(data, CHUNK_ROWS, async (x, start) => {
      const projected = tf.tidy(() =>
        tf.matMul(tf.sub(x, mean), axes, false, true),
      );
      try {
        output.set(await projected.data(), start * m);
      } finally {
        projected.dispose();
      }
    });
  } finally {
    tf.dispose([mean, axes]);
  }
  return { x: output, nSamples: data.nSamples, nFeatures: m };
}
