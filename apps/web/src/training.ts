import { cpuBackend } from '@fixclust/backend-cpu';
import { wasmBackend } from '@fixclust/backend-wasm';
import { selectBackend, type BackendCandidate } from '@fixclust/core';
import {
  FixedRepresentativeClustering,
  serializeModel,
  type FitResult,
  type FixedRepresentativeOptions,
} from '@fixclust/model';
import { registerBuiltInRepresentatives } from '@fixclust/representatives';

import type {
  BackendName,
  PostEvent,
  StartRequest,
  TrainingSettings,
  TrainingSummary,
} from './protocol.js';

/**
 * Runs one training request and reports it through `post`: the backend
 * that started, every epoch, the mapped space and labels, and finally
 * `done` with the saved model, or `failed` with the error. An abort of
 * `signal` ends training after the current step and still reports `done`
 * with the best model so far. The requested backend must start; there is
 * no fallback to another one.
 */
export async function runTraining(
  request: StartRequest,
  post: PostEvent,
  signal: AbortSignal,
): Promise<void> {
  try {
    registerBuiltInRepresentatives();
    const { settings, data } = request;
    const { backend } = await selectBackend({
      candidates: [backendCandidate(settings.backend, request.wasmPaths)],
      backend: settings.backend,
    });
    post({ type: 'backend', backend });

    const model = new FixedRepresentativeClustering(modelOptions(settings));
    const sample = epochSample(data);
    const result = await model.fit(data, {
      backend,
      signal,
      epochSample: sample,
      onEpochEnd: ({ mapped, representatives, ...progress }) => {
        post({ type: 'epoch', progress });
        if (mapped === undefined || representatives === undefined) return;
        const labels = nearest(mapped, representatives);
        post(
          {
            type: 'mapped',
            coordinates: mapped,
            dimension: representatives[0]!.length,
            labels,
            representatives,
          },
          [mapped.buffer, labels.buffer],
        );
      },
    });

    const coordinates = await model.transform(data);
    const labels = result.labels.slice();
    post(
      {
        type: 'mapped',
        coordinates,
        dimension: coordinates.length / data.nSamples,
        labels,
        representatives: result.representatives,
      },
      [coordinates.buffer, labels.buffer],
    );

    const { manifest, weights } = await serializeModel(model);
    const summary = summarise(result);
    post({ type: 'done', summary, manifest, weights }, [weights.buffer]);
  } catch (error) {
    post({ type: 'failed', error: describeError(error) });
  }
}

/** Most rows the mapped space shows while training runs. */
export const EPOCH_SAMPLE_ROWS = 2000;

/**
 * Returns the first {@link EPOCH_SAMPLE_ROWS} rows, which every epoch maps
 * so the page can redraw the mapped space while training runs.
 */
export function epochSample(data: StartRequest['data']): StartRequest['data'] {
  const rows = Math.min(data.nSamples, EPOCH_SAMPLE_ROWS);
  return {
    x: data.x.slice(0, rows * data.nFeatures),
    nSamples: rows,
    nFeatures: data.nFeatures,
  };
}

/** Labels each mapped row with its nearest representative. */
export function nearest(
  mapped: Float32Array,
  representatives: number[][],
): Int32Array {
  const dimension = representatives[0]!.length;
  const labels = new Int32Array(mapped.length / dimension);
  for (let i = 0; i < labels.length; i++) {
    let best = Number.POSITIVE_INFINITY;
    representatives.forEach((point, c) => {
      let distance = 0;
      for (let j = 0; j < dimension; j++) {
        distance += (mapped[i * dimension + j]! - point[j]!) ** 2;
      }
      if (distance < best) {
        best = distance;
        labels[i] = c;
      }
    });
  }
  return labels;
}

/** Returns the candidate for a backend the page offers. */
export function backendCandidate(
  name: BackendName,
  wasmPaths: string,
): BackendCandidate {
  return name === 'wasm' ? wasmBackend({ wasmPaths }) : cpuBackend();
}

/** Translates the form's settings into model options. */
export function modelOptions(
  settings: TrainingSettings,
): FixedRepresentativeOptions {
  const options: FixedRepresentativeOptions = {
    nClusters: settings.nClusters,
    preset: settings.preset,
    epochs: settings.epochs,
    nRuns: settings.nRuns,
    seed: settings.seed,
  };
  if (settings.batchSize !== undefined) options.batchSize = settings.batchSize;
  if (settings.learningRate !== undefined) {
    options.learningRate = settings.learningRate;
  }
  return options;
}

function summarise(result: FitResult): TrainingSummary {
  return {
    labels: result.labels,
    initLabels: result.initLabels,
    nClusters: result.nClusters,
    clusterSizes: result.clusterSizes,
    bestRun: result.bestRun,
    epochLosses: result.runs.map((run) => run.epochLosses),
    stopped: result.runs.some((run) => run.aborted),
    warnings: result.warnings,
    fitTimeMs: result.fitTimeMs,
    seed: result.seed,
  };
}

function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) {
    return { name: error.name, message: error.message };
  }
  return { name: 'Error', message: String(error) };
}
