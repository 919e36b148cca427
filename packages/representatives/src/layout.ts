import {
  assertKnownKeys,
  assertOptionsObject,
  describeValue,
  getRepresentativeType,
  InvalidParameterError,
  type RepresentativeRequest,
  type RepresentativeType,
} from '@fixclust/core';

/** Keys of a {@link RepresentativeRequest}. */
const REQUEST_KEYS = [
  'nClusters',
  'dimension',
  'options',
  'random',
] as const satisfies ReadonlyArray<keyof RepresentativeRequest>;

/** Dimensions a type accepts for a given k, both ends included. */
export interface DimensionRange {
  /** Smallest accepted dimension, at least 1. */
  readonly minimum: number;
  /** Largest accepted dimension, or `Infinity` for no upper bound. */
  readonly maximum: number;
}

/** One option of a representative type, for docs, help text and checks. */
export interface RepresentativeOptionDescription {
  /** Key in `representativeOptions`, such as `radius`. */
  readonly name: string;
  /** JavaScript type of the value; `integer` is a number with no fraction. */
  readonly type: 'number' | 'integer' | 'boolean';
  /**
   * Value used when the option is absent: a constant, or a formula in k
   * (the number of clusters) and d (the dimension), such as `sqrt(k)`.
   */
  readonly default: number | boolean | string;
  /** One-line meaning, with the allowed range. */
  readonly description: string;
}

/**
 * A {@link RepresentativeType} that also describes its options and the
 * dimensions it accepts. Every type of this package implements it; a
 * plug-in type may implement it to appear in docs and help text.
 */
export interface DescribedRepresentativeType extends RepresentativeType {
  /** Every option `create` reads; any other key is rejected. */
  readonly options: readonly RepresentativeOptionDescription[];
  /** Dimensions `create` accepts for k clusters. */
  dimensionRange(nClusters: number): DimensionRange;
  /**
   * Whether a mixture scale (the width of the `gmm` and `cmm` components,
   * once the model has one) may be applied to this layout by rescaling its
   * coordinates. `false` marks a layout whose absolute coordinates matter.
   * Absent means true.
   */
  readonly mixtureScaleApplies?: boolean;
}

/** Tells whether a type carries option and dimension descriptions. */
export function isDescribedRepresentativeType(
  type: RepresentativeType,
): type is DescribedRepresentativeType {
  const candidate = type as Partial<DescribedRepresentativeType>;
  return (
    Array.isArray(candidate.options) &&
    typeof candidate.dimensionRange === 'function'
  );
}

/**
 * Lists the options of a type, given as a type or a registered name. A type
 * that does not describe its options gets an empty list.
 *
 * @throws InvalidParameterError when `type` is a name that is not
 * registered, or neither a name nor an object.
 */
export function describeOptions(
  type: RepresentativeType | string,
): readonly RepresentativeOptionDescription[] {
  if (typeof type !== 'string' && (typeof type !== 'object' || !type)) {
    throw new InvalidParameterError(
      'type',
      type,
      `type must be a representative type or its registered name, got ` +
        describeValue(type),
    );
  }
  const resolved =
    typeof type === 'string' ? getRepresentativeType(type) : type;
  return isDescribedRepresentativeType(resolved) ? resolved.options : [];
}

/**
 * Checks k and the dimension of a request against a type's range and
 * returns both, with the type's default dimension filled in.
 *
 * @throws InvalidParameterError naming the value and the accepted range,
 * when `type` is not a {@link DescribedRepresentativeType}, or when
 * `request` is not an object or has a key that
 * {@link RepresentativeRequest} does not have.
 */
export function resolveLayoutShape(
  type: DescribedRepresentativeType,
  request: RepresentativeRequest,
): { nClusters: number; dimension: number } {
  assertDescribedType(type);
  assertOptionsObject('request', request, true);
  assertKnownKeys('', request, REQUEST_KEYS);
  const { nClusters } = request;
  if (!Number.isInteger(nClusters) || nClusters < 1) {
    throw new InvalidParameterError(
      'nClusters',
      nClusters,
      `${type.name} representatives need nClusters to be an integer of at ` +
        `least 1, got ${describeValue(nClusters)}`,
    );
  }

  const dimension = request.dimension ?? type.defaultDimension(nClusters);
  const range = type.dimensionRange(nClusters);
  const inRange = dimension >= range.minimum && dimension <= range.maximum;
  if (!Number.isInteger(dimension) || !inRange) {
    throw new InvalidParameterError(
      'dimension',
      dimension,
      `${type.name} representatives for ${nClusters} clusters need an ` +
        `integer dimension ${formatRange(range)}, got ` +
        describeValue(dimension),
    );
  }
  return { nClusters, dimension };
}

function assertDescribedType(
  type: unknown,
): asserts type is DescribedRepresentativeType {
  const isType =
    typeof type === 'object' &&
    type !== null &&
    isDescribedRepresentativeType(type as RepresentativeType);
  if (isType) return;
  throw new InvalidParameterError(
    'type',
    type,
    `type must be a representative type that describes its dimensions, ` +
      `such as getRepresentativeType('simplex'), got ${describeValue(type)}`,
  );
}

function formatRange(range: DimensionRange): string {
  if (range.minimum === range.maximum) return `equal to ${range.minimum}`;
  if (range.maximum === Number.POSITIVE_INFINITY) {
    return `of at least ${range.minimum}`;
  }
  return `between ${range.minimum} and ${range.maximum}`;
}
