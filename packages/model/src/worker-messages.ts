import {
  BackendUnavailableError,
  FixclustError,
  InvalidDataError,
  InvalidParameterError,
  UnsupportedFeatureError,
  type BackendInfo,
  type CsrMatrix,
} from '@fixclust/core';

import type { DataMatrix } from './data.js';
import type { EpochProgress, RunOutcome, TrainingContext } from './train.js';

/**
 * The parts of a training context that travel to a worker thread: every
 * field except the representative tensors, the abort signal, the progress
 * callback and the start time, which the worker rebuilds on its side.
 */
export type PortableContext = Omit<
  TrainingContext,
  'representatives' | 'signal' | 'onEpochEnd' | 'startTime'
>;

/** Data a pool thread receives when it starts. */
export interface PoolThreadData {
  /** Name of the backend to start, as the parent selected it. */
  backend: string;
  /** URL of the module whose `backendCandidates()` lists the backends. */
  backendModule: string;
}

/** Setup that a pool thread needs to train the runs of one fit. */
export interface FitSetup {
  /** Number of the fit in its pool, which every message about it carries. */
  fit: number;
  context: PortableContext;
  /** Representatives, one row per cluster. */
  points: number[][];
  /** Seed of every run of the fit, in run order. */
  seeds: number[];
  /** Buffer of the fit's `RunClaims`. */
  claims: SharedArrayBuffer;
  /** Start of the fit in milliseconds since the Unix epoch. */
  startEpochMs: number;
}

/** Messages from the parent to a pool thread. */
export type ParentMessage =
  ({ type: 'fit' } & FitSetup) | { type: 'abort'; fit: number };

/**
 * Messages from a pool thread to the parent: its start, then for each fit
 * the progress and outcome of every run it claims, and `ended` once it
 * claims no more.
 */
export type WorkerMessage =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'start-failed'; error: SerialisedError }
  | { type: 'epoch'; fit: number; progress: EpochProgress }
  | {
      type: 'done';
      fit: number;
      run: number;
      outcome: RunOutcome;
      /** The run's cluster of every row of the fit's data. */
      labels: Int32Array;
    }
  | { type: 'failed'; fit: number; error: SerialisedError }
  | { type: 'ended'; fit: number };

/** An error as it crosses a thread boundary. */
export interface SerialisedError {
  name: string;
  message: string;
  stack?: string | undefined;
  parameter?: string | undefined;
  value?: unknown;
  backend?: string | undefined;
}

/**
 * Copies `data` into shared memory, so that every worker reads the same
 * buffer instead of receiving a copy of its own.
 */
export function shareData(data: DataMatrix): DataMatrix {
  const x = data.x;
  if (x instanceof Float32Array) return { ...data, x: sharedCopy(x) };
  const csr: CsrMatrix = {
    ...x,
    data: sharedCopy(x.data),
    indices: sharedCopy(x.indices),
    indptr: sharedCopy(x.indptr),
  };
  return { ...data, x: csr };
}

function sharedCopy<T extends Float32Array | Int32Array>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const Constructor = array.constructor as new (buffer: ArrayBufferLike) => T;
  const copy = new Constructor(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

/** Turns a thrown value into plain data that `postMessage` can clone. */
export function serialiseError(error: unknown): SerialisedError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: String(error) };
  }
  const fields = error as Error & Partial<SerialisedError>;
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    parameter: fields.parameter,
    value: cloneable(fields.value),
    backend: fields.backend,
  };
}

function cloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}

/**
 * Rebuilds an error from a worker as the fixclust error class of the same
 * name, so callers can still branch on `name` and `isInstance`; any other
 * error becomes a plain `Error` with the worker's message and stack.
 */
export function reviveError(error: SerialisedError): Error {
  const revived = errorOfName(error);
  revived.stack = error.stack ?? revived.stack;
  return revived;
}

function errorOfName(error: SerialisedError): Error {
  const { message } = error;
  switch (error.name) {
    case 'InvalidParameterError':
      return new InvalidParameterError(
        error.parameter ?? 'unknown',
        error.value,
        message,
      );
    case 'InvalidDataError':
      return new InvalidDataError(message);
    case 'BackendUnavailableError':
      return new BackendUnavailableError(error.backend ?? 'unknown', message);
    case 'UnsupportedFeatureError':
      return new UnsupportedFeatureError(message);
    case 'FixclustError':
      return new FixclustError(message);
    default: {
      const plain = new Error(message);
      plain.name = error.name;
      return plain;
    }
  }
}
