import { InvalidParameterError } from './errors.js';
import type { Random } from './random.js';
import {
  assertKnownKeys,
  assertOptionsObject,
  describeValue,
} from './validate.js';

/** Request passed to a representative type for a layout. */
export interface RepresentativeRequest {
  /** Number of clusters k: one representative per cluster. */
  nClusters: number;
  /** Dimension of the mapped space; `undefined` lets the type choose. */
  dimension?: number | undefined;
  /** Type-specific options, such as `scale` for `vertex`. */
  options?: Readonly<Record<string, unknown>>;
  /** Generator for types that place representatives at random. */
  random: Random;
}

/**
 * A fixed layout of cluster representatives in the mapped space.
 *
 * Implement this and pass it to {@link registerRepresentativeType} to add a
 * type; the model looks types up by name and never needs to change.
 */
export interface RepresentativeType {
  /** Registry key, such as `vertex`. Lowercase, no spaces. */
  readonly name: string;
  /** One-line description shown by the CLI. */
  readonly description: string;
  /** Dimension used when the caller gives none, for k clusters. */
  defaultDimension(nClusters: number): number;
  /**
   * Builds the k × d layout: row i is the representative of cluster i.
   *
   * @throws InvalidParameterError for a dimension or option it cannot use.
   */
  create(request: RepresentativeRequest): number[][];
}

const registry = new Map<string, RepresentativeType>();

/**
 * Names of the types that `@fixclust/representatives` registers with
 * `registerBuiltInRepresentatives()`. They are taken from the start, even
 * before that call, so that registering one of them fails or replaces it
 * whatever the order of the calls.
 */
export const BUILT_IN_REPRESENTATIVE_NAMES: readonly string[] = [
  'vertex',
  'simplex',
  'orthogonal',
  'sphere',
];

/** Options of {@link registerRepresentativeType}. */
export interface RegisterRepresentativeOptions {
  /**
   * Replace a type registered under the same name, or a built-in type
   * whether or not it is registered yet. Default: false.
   */
  replace?: boolean;
}

/**
 * Adds a representative type to the registry. The built-in names
 * ({@link BUILT_IN_REPRESENTATIVE_NAMES}) count as taken before the
 * built-ins are registered, and a built-in replaced with `replace: true`
 * stays replaced when they are registered later.
 *
 * @throws InvalidParameterError when `type` is not a representative type,
 * or when its name is taken, unless `replace`.
 */
export function registerRepresentativeType(
  type: RepresentativeType,
  options: RegisterRepresentativeOptions = {},
): void {
  assertRepresentativeType(type);
  assertOptionsObject('options', options, false);
  assertKnownKeys('', options, ['replace']);
  if (options.replace !== undefined && typeof options.replace !== 'boolean') {
    throw new InvalidParameterError(
      'replace',
      options.replace,
      `replace must be true or false, got ${describeValue(options.replace)}`,
    );
  }
  if (options.replace === true) {
    registry.set(type.name, type);
    return;
  }
  if (BUILT_IN_REPRESENTATIVE_NAMES.includes(type.name)) {
    throw new InvalidParameterError(
      'name',
      type.name,
      `representative type "${type.name}" is a built-in type of ` +
        `@fixclust/representatives; pass { replace: true } to replace it, ` +
        `or give the type another name`,
    );
  }
  if (registry.has(type.name)) {
    throw new InvalidParameterError(
      'name',
      type.name,
      `representative type "${type.name}" is already registered; pass ` +
        `{ replace: true } to replace it`,
    );
  }
  registry.set(type.name, type);
}

/**
 * Checks that `type` has a valid name and the methods of a
 * {@link RepresentativeType}.
 */
function assertRepresentativeType(type: unknown): void {
  if (typeof type !== 'object' || type === null) {
    throw new InvalidParameterError(
      'type',
      type,
      `type must be a representative type object with name, description, ` +
        `defaultDimension and create, got ${describeValue(type)}`,
    );
  }
  const { name, defaultDimension, create } = type as Record<string, unknown>;
  if (typeof name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new InvalidParameterError(
      'name',
      name,
      `representative type name must be lowercase letters, digits and ` +
        `dashes, starting with a letter, got ${describeName(name)}`,
    );
  }
  for (const [method, value] of [
    ['defaultDimension', defaultDimension],
    ['create', create],
  ] as const) {
    if (typeof value !== 'function') {
      throw new InvalidParameterError(
        method,
        value,
        `representative type "${name}" must have a ${method} function, ` +
          `got ${describeValue(value)}`,
      );
    }
  }
}

function describeName(name: unknown): string {
  return typeof name === 'string' ? `"${name}"` : describeValue(name);
}

/**
 * Looks up a registered representative type.
 *
 * @throws InvalidParameterError naming the registered types when `name` is
 * not one of them, or saying how to register the built-ins when `name` is
 * a built-in type that is not registered yet.
 */
export function getRepresentativeType(name: string): RepresentativeType {
  const type = registry.get(name);
  if (type === undefined && BUILT_IN_REPRESENTATIVE_NAMES.includes(name)) {
    throw new InvalidParameterError(
      'representatives',
      name,
      `representative type "${name}" is built into ` +
        `@fixclust/representatives but not registered yet; call its ` +
        `registerBuiltInRepresentatives() first`,
    );
  }
  if (type === undefined) {
    const known = [...registry.keys()].join(', ') || 'none';
    throw new InvalidParameterError(
      'representatives',
      name,
      `unknown representative type "${name}"; registered types: ${known}`,
    );
  }
  return type;
}

/** Lists the registered representative types, in registration order. */
export function listRepresentativeTypes(): RepresentativeType[] {
  return [...registry.values()];
}

/**
 * Builds a layout with a registered type and checks what it returned: k rows
 * of the requested dimension, finite values, no two rows equal.
 *
 * @throws InvalidParameterError when the type returned an invalid layout.
 */
export function createRepresentatives(
  typeName: string,
  request: RepresentativeRequest,
): number[][] {
  const type = getRepresentativeType(typeName);
  const dimension =
    request.dimension ?? type.defaultDimension(request.nClusters);
  const points = type.create({ ...request, dimension });
  validateLayout(typeName, points, request.nClusters, dimension);
  return points;
}

function validateLayout(
  typeName: string,
  points: number[][],
  nClusters: number,
  dimension: number,
): void {
  const fail = (reason: string): never => {
    throw new InvalidParameterError(
      'representatives',
      typeName,
      `representative type "${typeName}" returned an invalid layout: ${reason}`,
    );
  };
  if (points.length !== nClusters) {
    fail(`expected ${nClusters} rows, got ${points.length}`);
  }
  const seen = new Set<string>();
  points.forEach((row, i) => {
    if (row.length !== dimension) {
      fail(`row ${i} has ${row.length} values, expected ${dimension}`);
    }
    if (!row.every(Number.isFinite)) fail(`row ${i} has a non-finite value`);
    const key = row.join(',');
    if (seen.has(key)) fail(`row ${i} repeats an earlier row`);
    seen.add(key);
  });
}
