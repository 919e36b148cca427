/**
 * Entry of a worker thread that trains runs of a fit for
 * `trainRunsInWorkers`. It starts the parent's backend, then trains each
 * run the parent sends and posts back its outcome and per-epoch progress.
 *
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';

import { selectBackend, type BackendCandidate } from '@fixclust/core';

import './gradients.js';
import { representativeTensors } from './losses.js';
import { trainRun, type TrainingContext } from './train.js';
import {
  serialiseError,
  type ParentMessage,
  type RunWorkerData,
  type WorkerMessage,
} from './worker-messages.js';

/** The module a worker imports to find the backend to start. */
interface BackendModule {
  backendCandidates(requested?: string): BackendCandidate[];
}

const port = parentPort;
if (port === null) {
  throw new Error('run-worker.js must run in a worker thread');
}
const post = (message: WorkerMessage) => port.postMessage(message);
const setup = workerData as RunWorkerData;
const controller = new AbortController();

try {
  const context = await startWorker(setup);
  port.on('message', (message: ParentMessage) => {
    if (message.type === 'abort') controller.abort();
    else void trainAndReport(context, message.run, message.seed);
  });
} catch (error) {
  post({ type: 'failed', error: serialiseError(error) });
}

async function startWorker(data: RunWorkerData): Promise<TrainingContext> {
  const module = (await import(data.backendModule)) as BackendModule;
  const selection = await selectBackend({
    candidates: module.backendCandidates(data.backend),
    backend: data.backend,
  });
  post({ type: 'ready', backend: selection.backend });
  return {
    ...data.context,
    representatives: representativeTensors(data.points),
    // The same instant as the parent's start, on this thread's clock.
    startTime: data.startEpochMs - performance.timeOrigin,
    signal: controller.signal,
    onEpochEnd: (progress) => post({ type: 'epoch', progress }),
  };
}

async function trainAndReport(
  context: TrainingContext,
  run: number,
  seed: number,
): Promise<void> {
  try {
    const outcome = await trainRun(context, run, seed);
    post({ type: 'done', run, outcome });
  } catch (error) {
    post({ type: 'failed', error: serialiseError(error) });
  }
}
