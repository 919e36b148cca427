import {
  BackendUnavailableError,
  errorMessage,
  InvalidParameterError,
} from './errors.js';

/** Description of a running backend: name, version and threads. */
export interface BackendInfo {
  /** fixclust's name for it, such as `wasm` or `cpu`. */
  name: string;
  /** Version of the package that implements it. */
  version: string;
  /** Number of threads its kernels use. */
  threads: number;
  /** Free-form details, such as `SIMD on`. */
  details?: string;
}

/**
 * A compute backend that runtime selection can try.
 *
 * Backend packages export a function returning one of these; nothing is
 * registered or initialised on import.
 */
export interface BackendCandidate {
  /** Name used by `--backend` and `FIXCLUST_BACKEND`. */
  readonly name: string;
  /**
   * Starts the backend and makes it the active one.
   *
   * @throws any error when it cannot start here; selection records the
   * message and tries the next candidate.
   */
  initialise(): Promise<BackendInfo>;
}

/** A candidate that selection tried and passed over. */
export interface SkippedBackend {
  name: string;
  /** Reason it did not start. */
  reason: string;
}

/** The outcome of runtime selection. */
export interface BackendSelection {
  backend: BackendInfo;
  /** Candidates tried before the chosen one, with the reason each failed. */
  skipped: SkippedBackend[];
}

const registry: BackendCandidate[] = [];

/**
 * Adds a backend to the end of the default selection order, or replaces the
 * one of the same name in place.
 */
export function registerBackend(candidate: BackendCandidate): void {
  const index = registry.findIndex((c) => c.name === candidate.name);
  if (index >= 0) registry[index] = candidate;
  else registry.push(candidate);
}

/** Lists the registered backends in selection order. */
export function listBackends(): BackendCandidate[] {
  return [...registry];
}

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /** Candidates in the order to try. Default: the registered backends. */
  candidates?: readonly BackendCandidate[];
  /**
   * Backend to use, bypassing the order. Default: the `FIXCLUST_BACKEND`
   * environment variable, then none.
   */
  backend?: string | undefined;
  /**
   * Environment to read `FIXCLUST_BACKEND` from. Default: `process.env`, or
   * none where there is no `process`, as in a browser.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Chooses and starts a compute backend.
 *
 * Without a requested backend, tries the candidates in order and keeps the
 * first whose `initialise` succeeds. A backend requested by option or by
 * `FIXCLUST_BACKEND` is started on its own: if it fails, selection fails
 * instead of quietly running somewhere else.
 *
 * @throws InvalidParameterError when the requested backend is unknown.
 * @throws BackendUnavailableError when the requested backend fails to
 * start, or when no candidate starts.
 */
export async function selectBackend(
  options: SelectBackendOptions = {},
): Promise<BackendSelection> {
  const candidates = options.candidates ?? registry;
  const env = options.env ?? globalThis.process?.env ?? {};
  const requested = options.backend ?? nonEmpty(env['FIXCLUST_BACKEND']);
  if (requested !== undefined) {
    return {
      backend: await startRequested(candidates, requested),
      skipped: [],
    };
  }

  const skipped: SkippedBackend[] = [];
  for (const candidate of candidates) {
    try {
      return { backend: await candidate.initialise(), skipped };
    } catch (error) {
      skipped.push({ name: candidate.name, reason: errorMessage(error) });
    }
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new BackendUnavailableError(
    'any',
    `no compute backend could start (${reasons || 'no candidates given'})`,
  );
}

async function startRequested(
  candidates: readonly BackendCandidate[],
  name: string,
): Promise<BackendInfo> {
  const candidate = candidates.find((c) => c.name === name);
  if (candidate === undefined) {
    const known = candidates.map((c) => c.name).join(', ');
    throw new InvalidParameterError(
      'backend',
      name,
      `unknown backend "${name}"; available: ${known}`,
    );
  }
  try {
    return await candidate.initialise();
  } catch (error) {
    throw new BackendUnavailableError(
      name,
      `backend "${name}" failed to start: ${errorMessage(error)}`,
      { cause: error },
    );
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
