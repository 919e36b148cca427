/** The page's results section: cluster sizes, metrics and downloads. */
import { externalMetrics } from '@fixclust/metrics';

import { element, show } from './dom.js';
import { labelsCsv, modelFiles, type DownloadFile } from './downloads.js';
import type { TableData } from './csv.js';
import type { DoneEvent } from './protocol.js';

const DOWNLOAD_LINKS = [
  'download-labels',
  'download-manifest',
  'download-weights',
];

/** Object URLs of the offered downloads, revoked on the next training. */
let downloadUrls: string[] = [];

/** Hides the results of the previous training and frees its downloads. */
export function clearResults(): void {
  downloadUrls.forEach((url) => URL.revokeObjectURL(url));
  downloadUrls = [];
  for (const id of DOWNLOAD_LINKS) element(id).hidden = true;
  element('metrics').hidden = true;
  element('warnings').replaceChildren();
  show('cluster-sizes', '');
  show('backend-info', '');
}

/** Shows the outcome of a training, its metrics and its downloads. */
export function showResults(event: DoneEvent, data: TableData): void {
  const { summary } = event;
  const seconds = (summary.fitTimeMs / 1000).toFixed(1);
  const outcome = summary.stopped
    ? 'Stopped; kept the best model so far'
    : 'Done';
  show('status', `${outcome}: ${seconds} s, seed ${summary.seed}.`);
  show('cluster-sizes', `Cluster sizes: ${summary.clusterSizes.join(', ')}.`);
  const warnings = summary.warnings.map((w) => {
    const item = document.createElement('li');
    item.textContent = `${w.code}: ${w.message}`;
    return item;
  });
  element('warnings').replaceChildren(...warnings);

  const classes =
    data.classes === undefined || data.classNames === undefined
      ? undefined
      : { classes: data.classes, classNames: data.classNames };
  if (classes !== undefined) showMetrics(classes.classes, event);
  const labels = labelsCsv(summary.labels, summary.initLabels, classes);
  offer('download-labels', {
    name: 'labels.csv',
    type: 'text/csv',
    contents: labels,
  });
  const [manifest, weights] = modelFiles(event.manifest, event.weights);
  offer('download-manifest', manifest);
  offer('download-weights', weights);
}

function showMetrics(classes: Int32Array, event: DoneEvent): void {
  const { initLabels, labels } = event.summary;
  const body = element('metrics').querySelector('tbody')!;
  body.replaceChildren(
    metricsRow('init', classes, initLabels),
    metricsRow('trained', classes, labels),
  );
  element('metrics').hidden = false;
}

/** Builds a table row of purity, ARI, NMI and accuracy, to 4 decimals. */
function metricsRow(
  name: string,
  classes: Int32Array,
  labels: Int32Array,
): HTMLTableRowElement {
  const { purity, ari, nmi, accuracy } = externalMetrics(classes, labels);
  const values = [purity, ari, nmi, accuracy].map((v) => v.toFixed(4));
  const row = document.createElement('tr');
  for (const text of [name, ...values]) {
    const cell = document.createElement('td');
    cell.textContent = text;
    row.append(cell);
  }
  return row;
}

function offer(id: string, file: DownloadFile): void {
  const link = element<HTMLAnchorElement>(id);
  const url = URL.createObjectURL(
    new Blob([file.contents as BlobPart], { type: file.type }),
  );
  downloadUrls.push(url);
  link.href = url;
  link.download = file.name;
  link.textContent = `Download ${file.name}`;
  link.hidden = false;
}
