import type { TopLevelSpec } from 'vega-lite';

/**
 * Builds the Vega-Lite spec of the cluster sizes: one bar per cluster,
 * empty clusters included. An empty cluster's bar has no height, so it is
 * coloured apart and labelled `empty` above the axis.
 */
export function clusterSizesSpec(sizes: readonly number[]): TopLevelSpec {
  const bars = sizes.map((size, cluster) => ({
    cluster,
    size,
    status: size === 0 ? 'empty' : 'non-empty',
    note: size === 0 ? 'empty' : '',
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Cluster sizes',
    width: Math.max(200, 24 * sizes.length),
    height: 200,
    data: { values: bars },
    encoding: {
      x: { field: 'cluster', type: 'ordinal', title: 'cluster' },
      y: { field: 'size', type: 'quantitative', title: 'samples' },
    },
    layer: [
      {
        mark: 'bar',
        encoding: {
          color: {
            field: 'status',
            type: 'nominal',
            title: 'cluster',
            scale: {
              domain: ['non-empty', 'empty'],
              range: ['#4c78a8', '#e45756'],
            },
          },
        },
      },
      {
        mark: { type: 'text', dy: -8, color: '#e45756' },
        encoding: { text: { field: 'note', type: 'nominal' } },
      },
    ],
  };
}
