import { InvalidParameterError } from './errors.js';
import type { Random } from './random.js';

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
 * Adds a representative type to the registry.
 *
 * @throws InvalidParameterError when the name is taken, unless `replace`.
 */
export function registerRepresentativeType(
  type: RepresentativeType,
  options: { replace?: boolean } = {},
): void {
  if (!/^[a-z][a-z0-9-]*$/.test(type.name)) {
    throw new InvalidParameterError(
      'name',
      type.name,
      `representative type name must be lowercase letters, digits and ` +
        `dashes, starting with a letter, got "${type.name}"`,
    );
  }
  if (registry.has(type.name) && options.replace !== true) {
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
 * Looks up a registered representative type.
 *
 * @throws InvalidParameterError naming the registered types when `name` is
 * not one of them.
 */
export function getRepresentativeType(name: string): RepresentativeType {
  const type = registry.get(name);
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
