import type { ModelManifest } from '@fixclust/model';

/** A file for the page to offer as a download. */
export interface DownloadFile {
  name: string;
  type: string;
  contents: string | Uint8Array;
}

/**
 * Writes one CSV row per sample: `index` (row of the data, from 0),
 * `label` (the trained model's cluster), `init_label` (the untrained
 * network's cluster) and, with a label column, `class` (its text).
 */
export function labelsCsv(
  labels: Int32Array,
  initLabels: Int32Array,
  classes?: { classes: Int32Array; classNames: string[] },
): string {
  const header = ['index', 'label', 'init_label'];
  if (classes !== undefined) header.push('class');
  const lines = [header.join(',')];
  labels.forEach((label, i) => {
    const row = [String(i), String(label), String(initLabels[i])];
    if (classes !== undefined) {
      row.push(csvField(classes.classNames[classes.classes[i]!]!));
    }
    lines.push(row.join(','));
  });
  return `${lines.join('\n')}\n`;
}

/** Quotes a field that contains a delimiter, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Returns the two files of a saved model, as `saveModel` writes them into
 * a folder: `model.json` and the weights file its manifest names. Put both
 * in one folder to load it with `loadModel` or `fixclust predict`.
 */
export function modelFiles(
  manifest: ModelManifest,
  weights: Uint8Array,
): [DownloadFile, DownloadFile] {
  return [
    {
      name: 'model.json',
      type: 'application/json',
      contents: `${JSON.stringify(manifest, null, 2)}\n`,
    },
    {
      name: manifest.weights.file,
      type: 'application/octet-stream',
      contents: weights,
    },
  ];
}
