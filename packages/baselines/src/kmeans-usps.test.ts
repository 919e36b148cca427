import { wasmBackend } from '@fixclust/backend-wasm';
import { loadUsps } from '@fixclust/datasets';
import { externalMetrics } from '@fixclust/metrics';
import { beforeAll, expect, it } from 'vitest';

import { describeWithData } from '../../../tools/test-data.js';
import { kmeans, type KMeansResult } from './kmeans.js';

/**
 * Results of scikit-learn's `KMeans(n_clusters=10, n_init=10)` on all 9,298
 * USPS digits (train then test, pixels as stored in usps.h5): inertia and
 * external metrics against the digit classes.
 */
const SKLEARN = {
  inertia: 177_682,
  purity: 0.738,
  ari: 0.545,
  nmi: 0.626,
  accuracy: 0.668,
};

describeWithData('kmeans on USPS', ['usps/usps.h5'], (directory) => {
  let result: KMeansResult;
  let labels: Int32Array;

  beforeAll(async () => {
    await wasmBackend().initialise();
    const usps = await loadUsps({ path: `${directory}/usps/usps.h5` });
    labels = usps.labels!;
    result = await kmeans(usps, { nClusters: 10, nInit: 10, seed: 0 });
  });

  it('reaches scikit-learn inertia within 1%', () => {
    expect(Math.abs(result.inertia / SKLEARN.inertia - 1)).toBeLessThan(0.01);
  });

  it('matches scikit-learn metrics within 0.03', () => {
    const metrics = externalMetrics(labels, result.labels);
    for (const key of ['purity', 'ari', 'nmi', 'accuracy'] as const) {
      expect(Math.abs(metrics[key] - SKLEARN[key]), key).toBeLessThan(0.03);
    }
  });
});
