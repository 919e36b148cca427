import { deserializeModel } from '@fixclust/model';
import { describe, expect, it } from 'vitest';

import { parseCsvTable, readTable } from './csv.js';
import type {
  StartRequest,
  TrainingSettings,
  WorkerEvent,
} from './protocol.js';
import { sampleBlobsCsv } from './sample.js';
import { modelOptions, runTraining } from './training.js';

const table = readTable(parseCsvTable(sampleBlobsCsv(), 'blobs.csv'), 2);
const settings: TrainingSettings = {
  preset: 'km50',
  nClusters: 3,
  epochs: 2,
  nRuns: 2,
  seed: 1,
  batchSize: 32,
  backend: 'cpu',
};

function request(overrides: Partial<TrainingSettings> = {}): StartRequest {
  return {
    type: 'start',
    data: { x: table.x, nSamples: table.nSamples, nFeatures: 2 },
    settings: { ...settings, ...overrides },
    wasmPaths: '/wasm/',
  };
}

/** Checks an event's type and returns it narrowed to that type. */
function expectType<T extends WorkerEvent['type']>(
  event: WorkerEvent | undefined,
  type: T,
): Extract<WorkerEvent, { type: T }> {
  expect(event?.type).toBe(type);
  return event as Extract<WorkerEvent, { type: T }>;
}

/** Runs a request, collecting the events and their transfer lists. */
async function collect(
  start: StartRequest,
  onEvent: (event: WorkerEvent) => void = () => {},
  signal = new AbortController().signal,
) {
  const events: WorkerEvent[] = [];
  const transfers: Transferable[][] = [];
  await runTraining(
    start,
    (event, transfer = []) => {
      events.push(event);
      transfers.push(transfer);
      onEvent(event);
    },
    signal,
  );
  return { events, transfers };
}

describe('runTraining', () => {
  it('reports backend, epochs, mapped space, done', async () => {
    const { events } = await collect(request());
    // Each epoch also maps the rows, so the page redraws while training.
    expect(events.map((e) => e.type)).toEqual([
      'backend',
      'epoch',
      'mapped',
      'epoch',
      'mapped',
      'epoch',
      'mapped',
      'epoch',
      'mapped',
      'mapped',
      'done',
    ]);
    expect(expectType(events[0], 'backend').backend.name).toBe('cpu');
  });

  it('sends labels and coordinates', async () => {
    const { events, transfers } = await collect(request());
    const mapped = expectType(events.at(-2), 'mapped');
    const done = expectType(events.at(-1), 'done');
    expect(mapped.labels).toEqual(done.summary.labels);
    expect(mapped.dimension).toBe(3);
    expect(mapped.coordinates).toHaveLength(table.nSamples * 3);
    expect(mapped.representatives).toHaveLength(3);
    expect(transfers.at(-2)).toContain(mapped.coordinates.buffer);
    expect(transfers.at(-1)).toContain(done.weights.buffer);
    const labels = Array.from(done.summary.labels);
    expect(labels.every((l) => l >= 0 && l < 3)).toBe(true);
    expect(done.summary.epochLosses.map((run) => run.length)).toEqual([2, 2]);
    expect(done.summary.stopped).toBe(false);
  });

  it('maps the rows after every epoch', async () => {
    const { events } = await collect(request());
    const perEpoch = events
      .slice(0, -2)
      .filter((e) => e.type === 'mapped')
      .map((e) => expectType(e, 'mapped'));
    expect(perEpoch).toHaveLength(4);
    for (const mapped of perEpoch) {
      expect(mapped.coordinates).toHaveLength(table.nSamples * 3);
      expect(Array.from(mapped.labels).every((l) => l >= 0 && l < 3)).toBe(
        true,
      );
    }
    expect(perEpoch[0]!.coordinates).not.toEqual(perEpoch[1]!.coordinates);
  });

  it('sends a model that loads back', async () => {
    const { events } = await collect(request());
    const done = expectType(events.at(-1), 'done');
    const manifest = JSON.parse(JSON.stringify(done.manifest));
    const model = await deserializeModel(manifest, done.weights, 'page');
    const data = { x: table.x, nSamples: table.nSamples, nFeatures: 2 };
    expect(await model.predict(data)).toEqual(done.summary.labels);
  });

  it('keeps the best model when stopped', async () => {
    const controller = new AbortController();
    const { events } = await collect(
      request({ epochs: 50, nRuns: 3 }),
      (event) => {
        if (event.type === 'epoch') controller.abort();
      },
      controller.signal,
    );
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs).toHaveLength(1);
    const done = expectType(events.at(-1), 'done');
    expect(done.summary.stopped).toBe(true);
    expect(done.summary.labels).toHaveLength(table.nSamples);
  });

  it('fails on too many clusters', async () => {
    const { events } = await collect(request({ nClusters: 301 }));
    expect(events.map((e) => e.type)).toEqual(['backend', 'failed']);
    const failed = expectType(events[1], 'failed');
    expect(failed.error.name).toBe('InvalidParameterError');
    expect(failed.error.message).toMatch(/nClusters/);
  });

  it('fails on invalid wasm paths', async () => {
    const start = { ...request({ backend: 'wasm' }), wasmPaths: 'wasm' };
    const { events } = await collect(start);
    expect(events).toHaveLength(1);
    const failed = expectType(events[0], 'failed');
    expect(failed.error.message).toMatch(
      /wasmPaths must be a folder path or URL prefix ending in "\/"/,
    );
  });
});

describe('modelOptions', () => {
  it('leaves unset options to the model', () => {
    const options = modelOptions({ ...settings, batchSize: undefined });
    expect(options).toEqual({
      nClusters: 3,
      preset: 'km50',
      epochs: 2,
      nRuns: 2,
      seed: 1,
    });
  });

  it('passes batch size and learning rate', () => {
    const options = modelOptions({ ...settings, learningRate: 0.01 });
    expect(options.batchSize).toBe(32);
    expect(options.learningRate).toBe(0.01);
  });
});
