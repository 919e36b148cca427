// Checks the marks of the report's charts, as read from the browser's DOM,
// against the files that `fixclust run --out` wrote: summary.json,
// mapped-sample.json and labels.csv. Every check function pushes what
// fails to `failures` and returns one line of counts for the summary.

/** Series of the loss chart: summary field and the chart's term name. */
const LOSS_TERMS = [
  ['epochLosses', 'total loss'],
  ['epochClustering', 'clustering term'],
  ['epochVariableFeatures', 'variable-features term'],
  ['epochReconstruction', 'reconstruction error'],
];

/** Chart titles, as the report's Vega-Lite specs set them. */
export const TITLES = {
  loss: 'Loss per epoch',
  sizes: 'Cluster sizes',
  coordinates: 'Mapped space: first two coordinates, coloured by cluster',
  pcaByCluster: 'Mapped space: PCA of all k coordinates, coloured by cluster',
  pcaByClass: 'Mapped space: PCA of all k coordinates, coloured by class',
  confusion: 'Clusters × classes after Hungarian matching',
};

/**
 * Parses a Vega mark's `aria-label`, `field: value; field: value`, into an
 * object of strings.
 */
export function parseLabel(label) {
  const fields = {};
  for (const part of label.split('; ')) {
    const colon = part.indexOf(': ');
    if (colon >= 0) fields[part.slice(0, colon)] = part.slice(colon + 2);
  }
  return fields;
}

/** Parses a number as Vega writes it, with U+2212 as the minus sign. */
function parseNumber(text) {
  return Number(String(text).replaceAll('\u2212', '-'));
}

/**
 * Tests whether a value drawn in a label matches the stored one, within
 * a relative 1e-9 because a label may round the stored value.
 */
function isClose(drawn, stored) {
  return Math.abs(drawn - stored) <= 1e-9 + 1e-9 * Math.abs(stored);
}

function expectEqual(failures, subject, actual, expected) {
  if (actual !== expected) {
    failures.push(`${subject}: found ${actual}, expected ${expected}`);
  }
}

function marksOf(chart, type) {
  return chart.marks.filter((mark) => mark.type === type);
}

function countBy(values) {
  const counts = new Map();
  for (const value of values) {
    counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  }
  return counts;
}

function sameCounts(actual, expected) {
  if (actual.size !== expected.size) return false;
  return [...actual].every(([key, count]) => expected.get(key) === count);
}

/** Number of vertices of an SVG path drawn with M and L commands only. */
function pathVertices(d) {
  return (d.match(/[ML]/g) ?? []).length;
}

/**
 * Checks the loss chart: one point mark per run, recorded term and epoch,
 * each at the value summary.json stores, and one line per run and term
 * with one vertex per epoch.
 */
export function checkLossChart(chart, summary, failures) {
  const expected = new Map();
  for (const run of summary.runs) {
    const kept = run.run === summary.bestRun;
    const name = `run ${run.run + 1}${kept ? ' (kept)' : ''}`;
    for (const [field, term] of LOSS_TERMS) {
      if (run[field] !== undefined) expected.set(`${name} ${term}`, run[field]);
    }
  }
  const points = marksOf(chart, 'point').map((mark) => parseLabel(mark.label));
  const lines = marksOf(chart, 'line mark');
  const nExpected = [...expected.values()].reduce((n, v) => n + v.length, 0);
  expectEqual(failures, 'loss chart point marks', points.length, nExpected);
  expectEqual(failures, 'loss chart lines', lines.length, expected.size);

  for (const [series, values] of expected) {
    const seriesPoints = points.filter((point) => point.series === series);
    expectEqual(
      failures,
      `loss chart points of "${series}"`,
      seriesPoints.length,
      values.length,
    );
    for (const point of seriesPoints) {
      const stored = values[parseNumber(point.epoch) - 1];
      if (
        stored === undefined ||
        !isClose(parseNumber(point['mean loss']), stored)
      ) {
        failures.push(
          `loss chart point of "${series}" at epoch ${point.epoch} shows ` +
            `${point['mean loss']}, summary.json has ${stored}`,
        );
      }
    }
  }
  for (const line of lines) {
    const { series } = parseLabel(line.label);
    const values = expected.get(series);
    if (values === undefined) {
      failures.push(`loss chart has a line "${series}" no run records`);
      continue;
    }
    const vertices = pathVertices(line.path);
    expectEqual(
      failures,
      `loss chart line "${series}" vertices`,
      vertices,
      values.length,
    );
  }
  return (
    `loss: ${points.length} points (expected ${nExpected}: ` +
    `${summary.runs.length} runs × epochs × recorded terms), ` +
    `${lines.length} lines (expected ${expected.size})`
  );
}

/**
 * Checks the cluster-size chart: one bar per cluster at the size
 * summary.json stores, and one `empty` label per empty cluster.
 */
export function checkSizesChart(chart, summary, failures) {
  const sizes = summary.clusterSizes;
  const bars = marksOf(chart, 'bar').map((mark) => parseLabel(mark.label));
  expectEqual(failures, 'cluster-size bars', bars.length, sizes.length);
  for (const bar of bars) {
    const stored = sizes[parseNumber(bar.cluster)];
    expectEqual(
      failures,
      `cluster-size bar of cluster ${bar.cluster}`,
      parseNumber(bar.samples),
      stored,
    );
  }
  const notes = marksOf(chart, 'text mark').filter(
    (mark) => parseLabel(mark.label).note === 'empty',
  );
  const nEmpty = sizes.filter((size) => size === 0).length;
  expectEqual(failures, 'cluster-size "empty" labels', notes.length, nEmpty);
  return (
    `cluster sizes: ${bars.length} bars (expected ${sizes.length}), ` +
    `${notes.length} marked empty (expected ${nEmpty})`
  );
}

/**
 * Checks one mapped-space chart: one circle per sampled row, in the
 * sample's order, at its stored coordinates and in its group, and the k
 * representatives as black `point` marks at their stored coordinates.
 *
 * @param axes - `coordinates` or `pca`.
 * @param colour - `cluster` or `class`.
 */
export function checkMappedChart(chart, sample, axes, colour, failures) {
  const name = `mapped space (${axes}, by ${colour})`;
  const rows = axes === 'pca' ? sample.pca : sample.mapped;
  const centres =
    axes === 'pca' ? sample.representativesPca : sample.representatives;
  const groups = colour === 'class' ? sample.classes : sample.clusters;
  const [xName, yName] =
    axes === 'pca' ? ['PC 1', 'PC 2'] : ['coordinate 1', 'coordinate 2'];
  const position = (fields) => [
    parseNumber(fields[xName]),
    parseNumber(fields[yName]),
  ];

  const circles = marksOf(chart, 'circle');
  const crosses = marksOf(chart, 'point');
  expectEqual(failures, `${name} circles`, circles.length, rows.length);
  expectEqual(
    failures,
    `${name} representatives`,
    crosses.length,
    sample.nClusters,
  );

  const misplaced = circles.filter((circle, i) => {
    const fields = parseLabel(circle.label);
    const [x, y] = position(fields);
    const row = rows[i];
    return (
      row === undefined ||
      !isClose(x, row[0]) ||
      !isClose(y, row[1]) ||
      fields[colour] !== String(groups[i])
    );
  });
  if (misplaced.length > 0) {
    failures.push(
      `${name}: ${misplaced.length} circles differ from their sampled row ` +
        `in position or ${colour}, first: ${misplaced[0].label}`,
    );
  }
  const drawnGroups = countBy(
    circles.map((circle) => parseLabel(circle.label)[colour]),
  );
  if (!sameCounts(drawnGroups, countBy(groups))) {
    failures.push(`${name}: circles per ${colour} differ from the sample`);
  }

  const notBlack = crosses.filter((cross) => cross.fill !== 'black');
  expectEqual(
    failures,
    `${name} representatives not black`,
    notBlack.length,
    0,
  );
  const blackCircles = circles.filter((circle) => circle.fill === 'black');
  expectEqual(failures, `${name} black circles`, blackCircles.length, 0);
  const key = ([x, y]) => `${x.toFixed(4)},${y.toFixed(4)}`;
  const drawnCentres = crosses.map((cross) =>
    key(position(parseLabel(cross.label))),
  );
  const storedCentres = centres.map((row) => key(row));
  if (!sameCounts(countBy(drawnCentres), countBy(storedCentres))) {
    failures.push(
      `${name}: representatives at ${drawnCentres.join(' ')}, stored at ` +
        storedCentres.join(' '),
    );
  }
  return (
    `${name}: ${circles.length} circles (expected ${rows.length} rows), ` +
    `${crosses.length} black crosses (expected k = ${sample.nClusters})`
  );
}

/**
 * Reads the `label` and `class` columns of labels.csv into counts per
 * cluster and class.
 */
export function confusionCounts(labelsCsv) {
  const lines = labelsCsv.trimEnd().split('\n');
  const header = lines[0].split(',');
  const labelColumn = header.indexOf('label');
  const classColumn = header.indexOf('class');
  if (labelColumn < 0 || classColumn < 0) {
    throw new Error(
      `labels.csv has columns ${header.join(',')}, without label and class`,
    );
  }
  const counts = new Map();
  const classes = new Set();
  for (const line of lines.slice(1)) {
    const fields = line.split(',');
    const key = `${fields[labelColumn]}/${fields[classColumn]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    classes.add(fields[classColumn]);
  }
  return { counts, nClasses: classes.size, nSamples: lines.length - 1 };
}

/**
 * Checks the confusion matrix: k × classes cells, each with the count of
 * its cluster and class in labels.csv, and one count label per cell.
 */
export function checkConfusionChart(chart, summary, labelsCsv, failures) {
  const { counts, nClasses, nSamples } = confusionCounts(labelsCsv);
  const k = summary.clusterSizes.length;
  const cells = marksOf(chart, 'rect mark').map((m) => parseLabel(m.label));
  const texts = marksOf(chart, 'text mark');
  expectEqual(failures, 'confusion cells', cells.length, k * nClasses);
  expectEqual(failures, 'confusion count labels', texts.length, k * nClasses);

  const seen = new Set();
  let total = 0;
  for (const cell of cells) {
    const cluster = cell['cluster → matched class'].split(' → ')[0];
    const key = `${cluster}/${cell['true class']}`;
    const count = parseNumber(cell.samples);
    if (seen.has(key)) failures.push(`confusion cell ${key} drawn twice`);
    seen.add(key);
    total += count;
    expectEqual(
      failures,
      `confusion cell cluster ${cluster}, class ${cell['true class']}`,
      count,
      counts.get(key) ?? 0,
    );
  }
  expectEqual(failures, 'confusion samples in all cells', total, nSamples);
  const wrongTexts = texts.filter(
    (text) => text.text !== parseLabel(text.label).count,
  );
  expectEqual(
    failures,
    'confusion labels unlike their count',
    wrongTexts.length,
    0,
  );
  return (
    `confusion: ${cells.length} cells (expected ${k} clusters × ` +
    `${nClasses} classes), ${total} samples (expected ${nSamples})`
  );
}
