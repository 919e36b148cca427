// Clusters three well-separated 2-D blobs on the wasm backend in the page
// and writes the labels into the DOM. Bundled by check.mjs.
import { Random, selectBackend } from '@fixclust/core';
import { wasmBackend } from '@fixclust/backend-wasm';
import { adjustedRandIndex } from '@fixclust/metrics';
import { FixedRepresentativeClustering } from '@fixclust/model';
import { registerBuiltInRepresentatives } from '@fixclust/representatives';

const POINTS_PER_BLOB = 30;

/** Three blobs of uniform noise around the corners of a triangle. */
function blobs(random) {
  const nSamples = 3 * POINTS_PER_BLOB;
  const x = new Float32Array(nSamples * 2);
  const classes = new Int32Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    classes[i] = i % 3;
    const angle = (2 * Math.PI * classes[i]) / 3;
    x[2 * i] = 2 * Math.cos(angle) + 0.6 * (random.float() - 0.5);
    x[2 * i + 1] = 2 * Math.sin(angle) + 0.6 * (random.float() - 0.5);
  }
  return { data: { x, nSamples, nFeatures: 2 }, classes };
}

function show(id, text) {
  document.getElementById(id).textContent = text;
}

async function main() {
  registerBuiltInRepresentatives();
  const { data, classes } = blobs(new Random(1));
  const { backend } = await selectBackend({
    candidates: [wasmBackend({ wasmPaths: '/wasm/' })],
  });
  show('backend', JSON.stringify(backend));

  const model = new FixedRepresentativeClustering({
    nClusters: 3,
    nRuns: 2,
    epochs: 20,
    batchSize: 16,
    learningRate: 0.01,
    seed: 1,
  });
  const result = await model.fit(data, { backend });
  show('labels', Array.from(result.labels).join(','));
  show('ari', String(adjustedRandIndex(classes, result.labels)));
  document.body.dataset.status = 'done';
}

main().catch((error) => {
  show('error', String(error?.stack ?? error));
  document.body.dataset.status = 'failed';
});
