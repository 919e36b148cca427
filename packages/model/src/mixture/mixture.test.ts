import { wasmBackend } from '@fixclust/backend-wasm';
import { Random } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { DataMatrix } from '../data.js';
import '../gradients.js';
import { clusteringLoss, representativeTensors } from '../losses.js';
import { FixedRepresentativeClustering } from '../model.js';
import {
  invertLowerTriangular,
  mixtureLogJoint,
  mixtureLoss,
  pairwiseKlSum,
  scaleMatrices,
} from './losses.js';

beforeAll(async () => {
  await wasmBackend().initialise();
});

const vertex = [
  [1, -1, -1],
  [-1, 1, -1],
  [-1, -1, 1],
];

/** Lower-triangular 2 × 2 scale [[a, 0], [b, c]] from raw parameters. */
function scaleOf(raw: number[]): number[][] {
  return [
    [Math.exp(raw[0]!), 0],
    [raw[2]!, Math.exp(raw[3]!)],
  ];
}

/** Gaussian log-density with covariance S Sᵀ in 2 dimensions. */
function gaussianLogDensity(y: number[], mu: number[], s: number[][]) {
  const v = [y[0]! - mu[0]!, y[1]! - mu[1]!];
  const z0 = v[0]! / s[0]![0]!;
  const z1 = (v[1]! - s[1]![0]! * z0) / s[1]![1]!;
  const logDet = Math.log(s[0]![0]!) + Math.log(s[1]![1]!);
  return -Math.log(2 * Math.PI) - logDet - 0.5 * (z0 * z0 + z1 * z1);
}

describe('mixture losses', () => {
  it.each(['gmm', 'cmm'] as const)(
    'equal the fixed %s loss at identity scale',
    async (loss) => {
      const y = tf.randomNormal([8, 3], 0, 2, 'float32', 1) as tf.Tensor2D;
      const reps = representativeTensors(vertex);
      const scale = tf.zeros([3, 3, 3]) as tf.Tensor3D;
      const general = mixtureLoss(y, {
        loss,
        locations: reps.points,
        scale,
      });
      const fixed = clusteringLoss(loss, y, reps);
      const [a, b] = await Promise.all([general.data(), fixed.data()]);
      expect(a[0]).toBeCloseTo(b[0]!, 5);
      tf.dispose([y, scale, general, fixed, reps.points]);
      tf.dispose([reps.pointsTransposed, reps.squaredNorms]);
    },
  );

  it('inverts lower-triangular scales', async () => {
    const raw = tf.randomNormal([4, 5, 5], 0, 0.5, 'float32', 2) as tf.Tensor3D;
    const scales = scaleMatrices(raw);
    const product = tf.matMul(scales, invertLowerTriangular(scales));
    const identity = tf.tile(tf.expandDims(tf.eye(5), 0), [4, 1, 1]);
    const [p, i] = await Promise.all([product.data(), identity.data()]);
    p.forEach((value, j) => expect(value).toBeCloseTo(i[j]!, 4));
    tf.dispose([raw, scales, product, identity]);
  });

  it('weights Gaussian densities with softmax(logits)', async () => {
    const raw = [
      [0.3, 0, 0.5, -0.2],
      [-0.4, 0, -0.7, 0.1],
    ];
    const locations = [
      [0, 1],
      [2, -1],
    ];
    const logits = [0.5, -0.5];
    const samples = [
      [0.3, 0.2],
      [1.5, -2],
      [-1, 3],
    ];
    const mixture = {
      loss: 'gmm' as const,
      locations: tf.tensor2d(locations),
      logits: tf.tensor1d(logits),
      scale: tf.tensor3d(raw.map((r) => [r.slice(0, 2), r.slice(2)])),
    };
    const joint = mixtureLogJoint(tf.tensor2d(samples), mixture);
    const values = await joint.data();
    const norm = Math.log(Math.exp(0.5) + Math.exp(-0.5));
    samples.forEach((y, i) => {
      locations.forEach((mu, k) => {
        const expected =
          logits[k]! - norm + gaussianLogDensity(y, mu, scaleOf(raw[k]!));
        expect(values[i * 2 + k]).toBeCloseTo(expected, 4);
      });
    });
  });

  it('sums the pairwise KL divergences', async () => {
    const raw = [
      [0.2, 0, -0.3, 0.1],
      [-0.1, 0, 0.4, 0.3],
      [0, 0, 0, -0.2],
    ];
    const locations = [
      [0, 0],
      [1, 2],
      [-2, 1],
    ];
    const scales = raw.map(scaleOf);
    const kl = (i: number, j: number) => {
      const covariance = (s: number[][]) => [
        [s[0]![0]! ** 2, s[0]![0]! * s[1]![0]!],
        [s[0]![0]! * s[1]![0]!, s[1]![0]! ** 2 + s[1]![1]! ** 2],
      ];
      const ci = covariance(scales[i]!);
      const cj = covariance(scales[j]!);
      const det = cj[0]![0]! * cj[1]![1]! - cj[0]![1]! ** 2;
      const inv = [
        [cj[1]![1]! / det, -cj[0]![1]! / det],
        [-cj[0]![1]! / det, cj[0]![0]! / det],
      ];
      const trace =
        inv[0]![0]! * ci[0]![0]! +
        inv[0]![1]! * ci[1]![0]! +
        inv[1]![0]! * ci[0]![1]! +
        inv[1]![1]! * ci[1]![1]!;
      const v = [
        locations[j]![0]! - locations[i]![0]!,
        locations[j]![1]! - locations[i]![1]!,
      ];
      const maha =
        v[0]! * (inv[0]![0]! * v[0]! + inv[0]![1]! * v[1]!) +
        v[1]! * (inv[1]![0]! * v[0]! + inv[1]![1]! * v[1]!);
      const detI = ci[0]![0]! * ci[1]![1]! - ci[0]![1]! ** 2;
      return 0.5 * (trace + maha - 2 + Math.log(det / detI));
    };
    let expected = 0;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) if (i !== j) expected += kl(i, j);
    }
    const sum = pairwiseKlSum({
      loss: 'gmm',
      locations: tf.tensor2d(locations),
      scale: tf.tensor3d(raw.map((r) => [r.slice(0, 2), r.slice(2)])),
    });
    expect((await sum.data())[0]).toBeCloseTo(expected, 4);
  });
});

/** Three Gaussian blobs in 5 dimensions, 50 samples each. */
function blobs(seed: number): DataMatrix {
  const random = new Random(seed);
  const nSamples = 150;
  const x = new Float32Array(nSamples * 5);
  for (let i = 0; i < nSamples; i++) {
    for (let j = 0; j < 5; j++) {
      x[i * 5 + j] = (j === i % 3 ? 3 : 0) + random.float() - 0.5;
    }
  }
  return { x, nSamples, nFeatures: 5 };
}

const small = {
  nClusters: 3,
  loss: 'gmm' as const,
  lambda: 1,
  nRuns: 1,
  epochs: 5,
  batchSize: 32,
  learningRate: 0.01,
  seed: 4,
};

async function fitMixture(options: Record<string, unknown>) {
  const model = new FixedRepresentativeClustering({ ...small, ...options });
  const result = await model.fit(blobs(1));
  return { model, result, mixture: model.fittedState!.weights.mixture };
}

function spread(locations: Float32Array, d: number): number {
  const k = locations.length / d;
  let sum = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      for (let c = 0; c < d; c++) {
        sum += (locations[i * d + c]! - locations[j * d + c]!) ** 2;
      }
    }
  }
  return sum;
}

describe('trainable mixture parameters', () => {
  it('moves trainable locations', async () => {
    const { result, mixture } = await fitMixture({ trainableLocations: true });
    const start = result.representatives.flat();
    const moved = Array.from(mixture!.locations!);
    expect(moved).toHaveLength(9);
    expect(moved).not.toEqual(start.map(Math.fround));
    expect(mixture!.logits).toBeUndefined();
  });

  it('keeps fixed locations at the representatives', async () => {
    const { model, result, mixture } = await fitMixture({});
    expect(mixture).toBeUndefined();
    expect(model.fittedState!.points).toEqual(result.representatives);
    expect(result.representatives).toEqual(vertex);
  });

  it('keeps locations fixed while other parameters train', async () => {
    const { mixture } = await fitMixture({ trainableLogits: true });
    expect(mixture!.locations).toBeUndefined();
    expect(Array.from(mixture!.logits!).some((v) => v !== 0)).toBe(true);
  });

  it('pulls the weights towards uniform with uniformLogits', async () => {
    const distance = (logits: Float32Array) => {
      const exp = Array.from(logits, Math.exp);
      const total = exp.reduce((a, b) => a + b, 0);
      return exp.reduce((s, e) => s + (e / total - 1 / 3) ** 2, 0);
    };
    const options = { trainableLogits: true, learningRate: 0.1, lambda: 0 };
    const free = await fitMixture(options);
    const pulled = await fitMixture({ ...options, uniformLogits: 100 });
    expect(distance(pulled.mixture!.logits!)).toBeLessThan(
      distance(free.mixture!.logits!),
    );
  });

  it('trains the scale and labels by posterior', async () => {
    const { model, result, mixture } = await fitMixture({
      trainableScale: true,
      loss: 'cmm',
    });
    expect(Array.from(mixture!.scale!).some((v) => v !== 0)).toBe(true);
    const data = blobs(1);
    const proba = await model.predictProba(data);
    for (let i = 0; i < data.nSamples; i++) {
      const row = Array.from(proba.subarray(i * 3, i * 3 + 3));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(row.indexOf(Math.max(...row))).toBe(result.labels[i]);
    }
  });

  it('spreads locations with representativeVariance', async () => {
    const options = { trainableLocations: true };
    const free = await fitMixture(options);
    const pushed = await fitMixture({ ...options, representativeVariance: 5 });
    expect(spread(pushed.mixture!.locations!, 3)).toBeGreaterThan(
      spread(free.mixture!.locations!, 3),
    );
  });

  it('separates components with klDivergence', async () => {
    const options = { trainableLocations: true, trainableScale: true };
    const free = await fitMixture(options);
    const pushed = await fitMixture({ ...options, klDivergence: 0.5 });
    expect(spread(pushed.mixture!.locations!, 3)).toBeGreaterThan(
      spread(free.mixture!.locations!, 3),
    );
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const { model } = await fitMixture({
      trainableLocations: true,
      trainableLogits: true,
      trainableScale: true,
      klDivergence: 0.1,
      uniformLogits: 1,
      representativeVariance: 1,
      autoencoder: { depth: 1, decoderActivation: 'linear' },
    });
    await model.predictProba(blobs(2));
    expect(tf.memory().numTensors).toBe(before);
  });
});
