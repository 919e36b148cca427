const ERROR_MARKER = Symbol.for('fixclust.error');

/**
 * Base class of every error fixclust throws on purpose.
 *
 * `name` is stable across releases, so callers can branch on it. Use
 * {@link FixclustError.isInstance} rather than `instanceof` when two copies
 * of the package may be loaded (for example a CLI and a plug-in that each
 * bundle their own).
 */
export class FixclustError extends Error {
  readonly [ERROR_MARKER] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FixclustError';
  }

  /** Tells whether `value` is a fixclust error from any loaded copy. */
  static isInstance(value: unknown): value is FixclustError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[ERROR_MARKER] === true
    );
  }
}

/**
 * A parameter is out of range or of the wrong type. fixclust checks
 * parameters before the work that uses them, so a fit fails before training.
 */
export class InvalidParameterError extends FixclustError {
  /** Name of the offending parameter, as the caller spelled it. */
  readonly parameter: string;
  /** The value received. */
  readonly value: unknown;

  constructor(
    parameter: string,
    value: unknown,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InvalidParameterError';
    this.parameter = parameter;
    this.value = value;
  }
}

/**
 * Input data is unusable: empty, non-finite, of inconsistent shape, or a
 * data file that is malformed. `path` names the file when there is one.
 */
export class InvalidDataError extends FixclustError {
  /** File the data came from, when it came from a file. */
  readonly path: string | undefined;

  constructor(
    message: string,
    options?: { cause?: unknown; path?: string | undefined },
  ) {
    super(message, options);
    this.name = 'InvalidDataError';
    this.path = options?.path;
  }
}

/** A compute backend could not be initialised on this machine. */
export class BackendUnavailableError extends FixclustError {
  /** Name of the backend that failed. */
  readonly backend: string;

  constructor(backend: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendUnavailableError';
    this.backend = backend;
  }
}

/** A requested combination of features is not supported. */
export class UnsupportedFeatureError extends FixclustError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnsupportedFeatureError';
  }
}

/** Formats any thrown value as a one-line message. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Writes `count` with its noun for a message, in the plural unless
 * `count` is 1: `1 point`, `3 points`.
 */
export function countOf(
  count: number,
  singular: string,
  plural = `${singular}s`,
): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
