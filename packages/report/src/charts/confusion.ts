import { InvalidDataError } from '@fixclust/core';
import { contingencyTable } from '@fixclust/metrics';
import { linearSumAssignment } from 'linear-sum-assignment';
import type { TopLevelSpec } from 'vega-lite';

/** Counts of clusters against classes, clusters in matched order. */
export interface MatchedConfusion {
  /** Cluster of each row, matched clusters first in the order of classes. */
  clusters: number[];
  /** Class of each column, ascending. */
  classes: number[];
  /**
   * Sample counts: `counts[i][j]` samples lie in cluster `clusters[i]` and
   * class `classes[j]`.
   */
  counts: number[][];
  /** Class matched to each row's cluster, or null for an unmatched one. */
  matchedClass: (number | null)[];
}

/**
 * Counts samples per (cluster, class) pair and orders the clusters by the
 * one-to-one matching of clusters to classes that maximises the matched
 * count: the Hungarian matching behind clustering accuracy, solved by
 * `linear-sum-assignment` on `@fixclust/metrics`'s contingency table. So
 * the diagonal holds the correctly matched samples. Clusters without a
 * match (more clusters than classes, or no sample) come last, in
 * ascending order.
 *
 * @param classes - true class of each sample.
 * @param clusters - cluster of each sample, from 0 to `nClusters - 1`.
 * @param nClusters - number of clusters, empty ones included.
 * @throws InvalidDataError when the lengths differ or a cluster is out of
 * range.
 */
export function matchedConfusion(
  classes: ArrayLike<number>,
  clusters: ArrayLike<number>,
  nClusters: number,
): MatchedConfusion {
  assertClusters(clusters, nClusters);
  const table = contingencyTable(classes, clusters);
  const classOrder = (table.classes as number[]).slice().sort((a, b) => a - b);
  const counts = Array.from({ length: nClusters }, () =>
    new Array<number>(classOrder.length).fill(0),
  );
  table.classes.forEach((value, i) => {
    const column = classOrder.indexOf(value as number);
    table.clusters.forEach((cluster, j) => {
      const count = table.counts[i * table.clusters.length + j]!;
      counts[cluster as number]![column] = count;
    });
  });

  const { rowAssignments } = linearSumAssignment(
    counts.map((row) => [...row]),
    // `maximaze` is the package's own spelling of its option.
    { maximaze: true },
  );
  const matched = (cluster: number) => {
    const column = rowAssignments[cluster] as number;
    return column >= 0 && counts[cluster]![column]! > 0 ? column : null;
  };
  const order = orderClusters(nClusters, matched);
  return {
    clusters: order,
    classes: classOrder,
    counts: order.map((cluster) => counts[cluster]!),
    matchedClass: order.map((cluster) => {
      const column = matched(cluster);
      return column === null ? null : classOrder[column]!;
    }),
  };
}

function orderClusters(
  nClusters: number,
  matched: (cluster: number) => number | null,
): number[] {
  const clusters = Array.from({ length: nClusters }, (_, i) => i);
  const key = (cluster: number) => matched(cluster) ?? Infinity;
  return clusters.sort((a, b) => key(a) - key(b) || a - b);
}

function assertClusters(clusters: ArrayLike<number>, nClusters: number) {
  for (let i = 0; i < clusters.length; i++) {
    const cluster = clusters[i]!;
    if (!Number.isInteger(cluster) || cluster < 0 || cluster >= nClusters) {
      throw new InvalidDataError(
        `clusters[${i}] is ${cluster}, outside 0 … ${nClusters - 1}; pass ` +
          `nClusters as the number of clusters the model has`,
      );
    }
  }
}

/**
 * Builds the Vega-Lite spec of a {@link MatchedConfusion}: a heat map of
 * clusters (rows, in matched order) against classes (columns), each cell
 * labelled with its count.
 */
export function confusionChartSpec(confusion: MatchedConfusion): TopLevelSpec {
  const cells = confusion.clusters.flatMap((cluster, i) =>
    confusion.classes.map((value, j) => ({
      cluster: clusterName(cluster, confusion.matchedClass[i]!),
      rank: i,
      class: value,
      count: confusion.counts[i]![j]!,
    })),
  );
  const position = {
    x: { field: 'class', type: 'ordinal' as const, title: 'true class' },
    y: {
      field: 'cluster',
      type: 'ordinal' as const,
      title: 'cluster → matched class',
      sort: { field: 'rank' },
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Clusters × classes after Hungarian matching',
    width: { step: 28 },
    height: { step: 22 },
    data: { values: cells },
    encoding: position,
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'count',
            type: 'quantitative',
            title: 'samples',
            scale: { scheme: 'blues' },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: {
            condition: { test: 'datum.count > 0', value: 'black' },
            value: '#bbb',
          },
        },
      },
    ],
  };
}

function clusterName(cluster: number, matchedClass: number | null): string {
  return `${cluster} → ${matchedClass ?? 'none'}`;
}
