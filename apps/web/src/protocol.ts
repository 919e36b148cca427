/**
 * Messages between the page and the training worker. The page sends one
 * `start` request to a fresh worker, and `stop` to end training early. The
 * worker replies with the events below, ending with `done` or `failed`.
 */
import type { BackendInfo, FixclustWarning } from '@fixclust/core';
import type { EpochProgress, ModelManifest, PresetName } from '@fixclust/model';

/**
 * Names of the published setups, as `@fixclust/model`'s `PRESETS` has
 * them. Listed here so that the page's bundle needs no tensor code.
 */
export const PRESET_NAMES = [
  'km1',
  'km50',
  'gmm1',
  'cmm1',
] as const satisfies readonly PresetName[];

/** Backends the page offers. */
export const BACKEND_NAMES = ['wasm', 'cpu'] as const;

/** Name of a backend the page offers. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Settings the page's form sets for one training. */
export interface TrainingSettings {
  preset: PresetName;
  nClusters: number;
  epochs: number;
  nRuns: number;
  seed: number;
  /** Samples per step; the model's default when absent. */
  batchSize?: number;
  /** Optimizer step size; the model's default when absent. */
  learningRate?: number;
  backend: BackendName;
}

/** Rows to cluster, row-major `nSamples × nFeatures`. */
export interface DataPayload {
  x: Float32Array;
  nSamples: number;
  nFeatures: number;
}

/** Starts training in a fresh worker. */
export interface StartRequest {
  type: 'start';
  data: DataPayload;
  settings: TrainingSettings;
  /** URL prefix, ending in `/`, of tfjs's `.wasm` files. */
  wasmPaths: string;
}

/** Stops training after the current step, keeping the best model so far. */
export interface StopRequest {
  type: 'stop';
}

/** A message from the page to the worker. */
export type WorkerRequest = StartRequest | StopRequest;

/** The backend that started. */
export interface BackendEvent {
  type: 'backend';
  backend: BackendInfo;
}

/** One finished epoch of one run. */
export interface EpochEvent {
  type: 'epoch';
  progress: EpochProgress;
}

/** Each row's coordinates in the mapped space and its cluster. */
export interface MappedEvent {
  type: 'mapped';
  /** Row-major `nSamples × dimension`. */
  coordinates: Float32Array;
  dimension: number;
  labels: Int32Array;
  /** The representatives, one row per cluster, `dimension` long. */
  representatives: number[][];
}

/** Outcome of a fit, without the per-run labels. */
export interface TrainingSummary {
  labels: Int32Array;
  /** Clusters of the kept run's untrained network. */
  initLabels: Int32Array;
  nClusters: number;
  clusterSizes: number[];
  bestRun: number;
  /** Mean loss of every completed epoch, one array per run. */
  epochLosses: number[][];
  /** Whether a stop request ended training early. */
  stopped: boolean;
  warnings: FixclustWarning[];
  fitTimeMs: number;
  seed: number;
}

/** The fit finished; carries the saved model's manifest and weights. */
export interface DoneEvent {
  type: 'done';
  summary: TrainingSummary;
  manifest: ModelManifest;
  weights: Uint8Array;
}

/** The training failed; carries the error's class name and message. */
export interface FailedEvent {
  type: 'failed';
  error: { name: string; message: string };
}

/** A message from the worker to the page. */
export type WorkerEvent =
  BackendEvent | EpochEvent | MappedEvent | DoneEvent | FailedEvent;

/** Sends an event, moving the listed buffers instead of copying them. */
export type PostEvent = (event: WorkerEvent, transfer?: Transferable[]) => void;
