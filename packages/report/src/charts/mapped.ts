import { InvalidParameterError } from '@fixclust/core';
import type { TopLevelSpec } from 'vega-lite';

import type { MappedSample } from '../types.js';

/** Options of {@link mappedSpaceSpec}. */
export interface MappedSpaceOptions {
  /**
   * Axes: `coordinates` for the first two mapped coordinates, `pca` for
   * the first two principal components of all k. Default: `coordinates`.
   */
  axes?: 'coordinates' | 'pca';
  /**
   * Colour of the points: `cluster` or the true `class`. Default:
   * `cluster`.
   */
  colour?: 'cluster' | 'class';
}

/**
 * Builds the Vega-Lite spec of the mapped space: a scatter plot of the
 * sampled rows, coloured by cluster or true class, with the
 * representatives drawn as black crosses.
 *
 * @throws InvalidParameterError when the axes or colours requested are not
 * in the sample: `pca` without `sample.pca`, `class` without
 * `sample.classes`, `coordinates` with fewer than two.
 */
export function mappedSpaceSpec(
  sample: MappedSample,
  options: MappedSpaceOptions = {},
): TopLevelSpec {
  const axes = options.axes ?? 'coordinates';
  const colour = options.colour ?? 'cluster';
  const { points, representatives } = chartPoints(sample, axes, colour);
  const nGroups = new Set(points.map((point) => point.group)).size;
  const names =
    axes === 'pca' ? ['PC 1', 'PC 2'] : ['coordinate 1', 'coordinate 2'];
  const position = {
    x: { field: 'x', type: 'quantitative' as const, title: names[0] },
    y: { field: 'y', type: 'quantitative' as const, title: names[1] },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Mapped space: ${axes === 'pca' ? 'PCA of all k coordinates' : 'first two coordinates'}, coloured by ${colour}`,
    width: 360,
    height: 360,
    layer: [
      {
        data: { values: points },
        mark: { type: 'circle', size: 14, opacity: 0.6 },
        encoding: {
          ...position,
          color: {
            field: 'group',
            type: 'nominal',
            title: colour,
            // tableau10 repeats its colours past 10 groups, tableau20 past 20.
            scale: { scheme: nGroups > 10 ? 'tableau20' : 'tableau10' },
          },
        },
      },
      {
        data: { values: representatives },
        mark: { type: 'point', shape: 'cross', size: 160, filled: true },
        encoding: { ...position, color: { value: 'black' } },
      },
    ],
  };
}

function chartPoints(
  sample: MappedSample,
  axes: 'coordinates' | 'pca',
  colour: 'cluster' | 'class',
) {
  const rows = axes === 'pca' ? sample.pca : sample.mapped;
  const centres =
    axes === 'pca' ? sample.representativesPca : sample.representatives;
  if (rows === undefined || centres === undefined) {
    throw new InvalidParameterError(
      'axes',
      axes,
      'the mapped sample has no PCA coordinates; compute pca and ' +
        'representativesPca, or draw the first two coordinates',
    );
  }
  if (sample.nClusters < 2) {
    throw new InvalidParameterError(
      'axes',
      axes,
      `the mapped space has ${sample.nClusters} coordinate, so it has no ` +
        'second axis to draw',
    );
  }
  const groups = colour === 'class' ? sample.classes : sample.clusters;
  if (groups === undefined) {
    throw new InvalidParameterError(
      'colour',
      colour,
      'the mapped sample has no true classes; colour by cluster instead',
    );
  }
  const points = rows.map((row, i) => ({
    x: row[0],
    y: row[1],
    group: groups[i],
  }));
  const representatives = centres.map((row, i) => ({
    x: row[0],
    y: row[1],
    cluster: i,
  }));
  return { points, representatives };
}
