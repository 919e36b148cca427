/**
 * The conformance suite every representative type runs: layout shape,
 * finite and distinct rows, determinism for a seed, and errors for
 * dimensions, cluster counts and options the type cannot use.
 *
 * Import it from `@fixclust/representatives/conformance` inside a vitest
 * test file.
 *
 * @packageDocumentation
 */
import {
  assertKnownKeys,
  assertOptionsObject,
  Random,
  type RepresentativeType,
} from '@fixclust/core';
import { assert, describe, expect, it } from 'vitest';

import {
  isDescribedRepresentativeType,
  type DimensionRange,
  type RepresentativeOptionDescription,
} from '../layout.js';
import { minimumPairwiseDistance } from '../vectors.js';
import { attempt, invalidParameterMismatch, numberText } from './outcome.js';

type Options = Readonly<Record<string, unknown>>;

/** Options of {@link describeRepresentativeConformance}. */
export interface RepresentativeConformanceOptions {
  /** Cluster counts k to build layouts for. Default: 1, 2, 3, 4 and 10. */
  clusterCounts?: readonly number[];
  /**
   * Dimensions the type accepts for k clusters. Default: the type's own
   * `dimensionRange`; required for a type that has none.
   */
  dimensionRange?: (nClusters: number) => DimensionRange;
  /** Option sets to build every layout with. Default: only `{}`. */
  optionSets?: readonly Options[];
  /** Seeds of the determinism check. Default: 0 and 20240607. */
  seeds?: readonly number[];
}

/** Keys of {@link RepresentativeConformanceOptions}. */
const CONFORMANCE_OPTION_NAMES = [
  'clusterCounts',
  'dimensionRange',
  'optionSets',
  'seeds',
] as const satisfies ReadonlyArray<keyof RepresentativeConformanceOptions>;

/**
 * Declares the conformance suite for one representative type.
 *
 * Layouts are built for every k in `clusterCounts`, every option set and
 * a grid of accepted dimensions: the minimum, the minimum + 1, the
 * default, the minimum + 4 and a finite maximum. Each layout must have k
 * rows of d finite values, no two rows equal, and be the same for the
 * same seed. The type must reject dimensions outside its range,
 * non-integer dimensions and invalid cluster counts (checked before the
 * dimension) with an `InvalidParameterError` naming the value. A type that describes its
 * options must also reject unknown option keys and values of the wrong
 * type.
 *
 * @throws Error when the type has no `dimensionRange` and none is given.
 * @throws InvalidParameterError when `options` is not an object or has a
 * key other than those of {@link RepresentativeConformanceOptions}.
 */
export function describeRepresentativeConformance(
  type: RepresentativeType,
  options: RepresentativeConformanceOptions = {},
): void {
  assertOptionsObject('options', options, false);
  assertKnownKeys('', options, CONFORMANCE_OPTION_NAMES);
  const range = options.dimensionRange ?? describedRange(type);
  const settings: Settings = {
    range,
    clusterCounts: options.clusterCounts ?? [1, 2, 3, 4, 10],
    optionSets: options.optionSets ?? [{}],
    seeds: options.seeds ?? [0, 20240607],
  };

  describe(`${type.name} representatives conformance`, () => {
    describeMetadata(type, settings);
    describeLayouts(type, settings);
    describeRejections(type, settings);
    if (isDescribedRepresentativeType(type)) {
      describeOptionChecks(type, type.options);
    }
  });
}

interface Settings {
  range: (nClusters: number) => DimensionRange;
  clusterCounts: readonly number[];
  optionSets: readonly Options[];
  seeds: readonly number[];
}

function describedRange(
  type: RepresentativeType,
): (nClusters: number) => DimensionRange {
  if (isDescribedRepresentativeType(type)) {
    return (nClusters) => type.dimensionRange(nClusters);
  }
  throw new Error(
    `representative type "${type.name}" has no dimensionRange; pass ` +
      `{ dimensionRange } to describeRepresentativeConformance`,
  );
}

function describeMetadata(type: RepresentativeType, settings: Settings): void {
  it('has a registrable name', () => {
    expect(type.name).toMatch(/^[a-z][a-z0-9-]*$/);
  });

  it('has a one-line description', () => {
    expect(type.description.trim()).not.toBe('');
    expect(type.description).not.toContain('\n');
  });

  it.each(settings.clusterCounts)(
    'defaults to an accepted dimension, k = %i',
    (k) => {
      const dimension = type.defaultDimension(k);
      const range = settings.range(k);
      expect(Number.isInteger(dimension), `dimension ${dimension}`).toBe(true);
      expect(dimension).toBeGreaterThanOrEqual(range.minimum);
      expect(dimension).toBeLessThanOrEqual(range.maximum);
      const points = type.create({ nClusters: k, random: new Random(0) });
      expect(points[0]?.length).toBe(dimension);
    },
  );
}

function describeLayouts(type: RepresentativeType, settings: Settings): void {
  const cases = layoutCases(type, settings);
  it.each(cases)(
    'builds k = $k, d = $d, options $label',
    ({ k, d, options }) => {
      const [seed] = settings.seeds;
      const points = build(type, k, d, options, seed ?? 0);
      expect(points.length, 'rows').toBe(k);
      points.forEach((row, i) => {
        expect(row.length, `length of row ${i}`).toBe(d);
        expect(row.every(Number.isFinite), `row ${i} is finite`).toBe(true);
      });
      const keys = new Set(points.map((row) => row.join(',')));
      expect(keys.size, 'distinct rows').toBe(k);
      if (k > 1) expect(minimumPairwiseDistance(points)).toBeGreaterThan(0);
    },
  );

  it.each(cases)(
    'is deterministic, k = $k, d = $d, options $label',
    ({ k, d, options }) => {
      for (const seed of settings.seeds) {
        const first = build(type, k, d, options, seed);
        const second = build(type, k, d, options, seed);
        expect(second, `seed ${seed}`).toEqual(first);
      }
    },
  );

  it('returns new arrays on every call', () => {
    const k = settings.clusterCounts.at(-1) ?? 3;
    const d = type.defaultDimension(k);
    const first = build(type, k, d, {}, 0);
    const original = first[0]![0];
    first[0]![0] = Number.NaN;
    expect(build(type, k, d, {}, 0)[0]![0]).toBe(original);
  });
}

function layoutCases(
  type: RepresentativeType,
  settings: Settings,
): { k: number; d: number; options: Options; label: string }[] {
  return settings.clusterCounts.flatMap((k) =>
    dimensionGrid(settings.range(k), type.defaultDimension(k)).flatMap((d) =>
      settings.optionSets.map((options) => ({
        k,
        d,
        options,
        label: JSON.stringify(options),
      })),
    ),
  );
}

/** Accepted dimensions to build with, in increasing order, without repeats. */
function dimensionGrid(
  range: DimensionRange,
  defaultDimension: number,
): number[] {
  const { minimum, maximum } = range;
  const candidates = [minimum, minimum + 1, defaultDimension, minimum + 4];
  if (Number.isFinite(maximum)) candidates.push(maximum);
  const grid = candidates.filter((d) => d <= maximum);
  return [...new Set(grid)].sort((a, b) => a - b);
}

function describeRejections(
  type: RepresentativeType,
  settings: Settings,
): void {
  for (const k of settings.clusterCounts) {
    for (const d of rejectedDimensions(settings.range(k))) {
      it(`rejects k = ${k}, d = ${numberText(d)}`, () => {
        expectInvalidParameter(
          () =>
            type.create({ nClusters: k, dimension: d, random: new Random(0) }),
          'dimension',
          String(d),
        );
      });
    }
  }

  for (const k of [0, -1, 1.5, Number.NaN]) {
    it(`rejects nClusters ${numberText(k)}`, () => {
      expectInvalidParameter(
        () =>
          type.create({ nClusters: k, dimension: 2, random: new Random(0) }),
        'nClusters',
        String(k),
      );
    });
  }
}

/** Dimensions outside the range, non-integers and NaN, without repeats. */
function rejectedDimensions(range: DimensionRange): number[] {
  const { minimum, maximum } = range;
  const accepted = (d: number) =>
    Number.isInteger(d) && d >= minimum && d <= maximum;
  const candidates = [0, -1, minimum - 1, minimum + 0.5, maximum + 1, NaN];
  return [...new Set(candidates.filter((d) => !accepted(d)))];
}

function describeOptionChecks(
  type: RepresentativeType,
  descriptions: readonly RepresentativeOptionDescription[],
): void {
  it('describes each option once', () => {
    const names = descriptions.map((option) => option.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('rejects an unknown option', () => {
    expectInvalidParameter(
      () => buildWithOptions(type, { notAnOption: 1 }),
      'notAnOption',
      'notAnOption',
    );
  });

  for (const option of descriptions) {
    for (const value of wrongValuesFor(option)) {
      const label =
        typeof value === 'string' ? JSON.stringify(value) : String(value);
      it(`rejects ${option.name} = ${label}`, () => {
        expectInvalidParameter(
          () => buildWithOptions(type, { [option.name]: value }),
          option.name,
          option.name,
        );
      });
    }
  }
}

function wrongValuesFor(option: RepresentativeOptionDescription): unknown[] {
  switch (option.type) {
    case 'boolean':
      return ['yes', 1];
    case 'integer':
      return ['3', 1.5, Number.NaN];
    case 'number':
      return ['3', Number.NaN, Number.POSITIVE_INFINITY];
  }
}

function buildWithOptions(
  type: RepresentativeType,
  options: Options,
): number[][] {
  const nClusters = 3;
  return type.create({
    nClusters,
    dimension: type.defaultDimension(nClusters),
    options,
    random: new Random(0),
  });
}

function build(
  type: RepresentativeType,
  nClusters: number,
  dimension: number,
  options: Options,
  seed: number,
): number[][] {
  return type.create({
    nClusters,
    dimension,
    options: Object.freeze({ ...options }),
    random: new Random(seed),
  });
}

/**
 * Fails with what `create` did instead unless `action` throws an
 * `InvalidParameterError` (from any loaded copy of core) for `parameter`
 * whose message contains `text`.
 */
function expectInvalidParameter(
  action: () => unknown,
  parameter: string,
  text: string,
): void {
  const mismatch = invalidParameterMismatch(attempt(action), parameter, text);
  if (mismatch !== undefined) assert.fail(mismatch);
}
