/**
 * Entry of a thread of a `RunWorkerPool`. It starts the parent's backend,
 * then, for each fit the parent sends, claims runs until none is left,
 * trains and labels each, and posts back its outcome and per-epoch
 * progress.
 *
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';

import {
  InvalidParameterError,
  selectBackend,
  type BackendCandidate,
} from '@fixclust/core';

import { disposeRepresentatives, representativeTensors } from './losses.js';
import { RunClaims, trainClaimedRuns } from './run-claims.js';
import type { TrainingContext } from './train.js';
import {
  serialiseError,
  type FitSetup,
  type ParentMessage,
  type PoolThreadData,
  type WorkerMessage,
} from './worker-messages.js';

/** The module a thread imports to find the backend to start. */
interface BackendModule {
  backendCandidates(requested?: string): BackendCandidate[];
}

/** The fit this thread is training, with the controller that stops it. */
interface CurrentFit {
  id: number;
  controller: AbortController;
}

const port = parentPort;
if (port === null) {
  throw new Error('run-worker.js must run in a worker thread');
}
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);
let current: CurrentFit | undefined;

try {
  await startBackend(workerData as PoolThreadData);
  port.on('message', (message: ParentMessage) => {
    if (message.type === 'abort') {
      if (current?.id === message.fit) current.controller.abort();
    } else void trainFit(message);
  });
} catch (error) {
  post({ type: 'start-failed', error: serialiseError(error) });
}

async function startBackend(data: PoolThreadData): Promise<void> {
  const module = await importBackendModule(data.backendModule);
  const selection = await selectBackend({
    candidates: module.backendCandidates(data.backend),
    backend: data.backend,
  });
  post({ type: 'ready', backend: selection.backend });
}

/**
 * Imports the module that lists the backends.
 *
 * @throws InvalidParameterError naming `backendModule` when the import
 * fails or the module has no `backendCandidates` function.
 */
async function importBackendModule(url: string): Promise<BackendModule> {
  let module: Partial<BackendModule>;
  try {
    module = (await import(url)) as Partial<BackendModule>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidParameterError(
      'backendModule',
      url,
      `backendModule ${url} could not be imported: ${reason}`,
    );
  }
  if (typeof module.backendCandidates !== 'function') {
    throw new InvalidParameterError(
      'backendModule',
      url,
      `backendModule ${url} does not export a backendCandidates() ` +
        `function; fixclust/backends is such a module`,
    );
  }
  return module as BackendModule;
}

/** Trains the runs of one fit that this thread claims. */
async function trainFit(setup: FitSetup): Promise<void> {
  const fit = setup.fit;
  const controller = new AbortController();
  current = { id: fit, controller };
  const representatives = representativeTensors(setup.points);
  const context: TrainingContext = {
    ...setup.context,
    representatives,
    // The same instant as the parent's start, on this thread's clock.
    startTime: setup.startEpochMs - performance.timeOrigin,
    signal: controller.signal,
    onEpochEnd: (progress) => post({ type: 'epoch', fit, progress }),
  };
  const claims = new RunClaims(
    new Int32Array(setup.claims),
    setup.seeds.length,
  );
  try {
    await trainClaimedRuns(
      context,
      setup.points,
      setup.seeds,
      claims,
      (run, outcome, labels) => {
        post({ type: 'done', fit, run, outcome, labels }, [
          labels.buffer as ArrayBuffer,
        ]);
      },
    );
  } catch (error) {
    post({ type: 'failed', fit, error: serialiseError(error) });
  } finally {
    disposeRepresentatives(representatives);
    current = undefined;
    post({ type: 'ended', fit });
  }
}
