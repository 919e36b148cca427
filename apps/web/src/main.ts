/**
 * The page: loads a CSV file or the sample, starts a training worker with
 * the form's settings, draws its progress and offers the results.
 */
import { LossChart, MappedChart } from './charts.js';
import {
  parseCsvTable,
  readTable,
  type CsvTable,
  type TableData,
} from './csv.js';
import { element, show } from './dom.js';
import { readSettings, type SettingsFields } from './form.js';
import type { WorkerEvent, WorkerRequest } from './protocol.js';
import { clearResults, showResults } from './results.js';
import { sampleBlobsCsv } from './sample.js';

/** Column names taken as the label column when a file is loaded. */
const LABEL_COLUMN_NAMES = ['class', 'label', 'labels', 'target', 'y'];

const fileInput = element<HTMLInputElement>('csv-file');
const sampleButton = element<HTMLButtonElement>('sample');
const labelSelect = element<HTMLSelectElement>('label-column');
const startButton = element<HTMLButtonElement>('start');
const stopButton = element<HTMLButtonElement>('stop');
const lossChart = new LossChart(element<HTMLCanvasElement>('loss-chart'));
const mappedChart = new MappedChart(element<HTMLCanvasElement>('mapped-chart'));

let table: CsvTable | undefined;
let worker: Worker | undefined;

/** Sets `body[data-state]`; the data inputs are locked while training. */
function setState(state: 'idle' | 'running' | 'done' | 'failed'): void {
  const running = state === 'running';
  document.body.dataset.state = state;
  startButton.disabled = running || table === undefined;
  stopButton.disabled = !running;
  fileInput.disabled = running;
  sampleButton.disabled = running;
  labelSelect.disabled = running || table === undefined;
}

function showError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  show('error', message);
}

/** Parses a loaded file and offers its columns as label columns. */
function loadTable(text: string, name: string): void {
  show('error', '');
  try {
    table = parseCsvTable(text, name);
  } catch (error) {
    table = undefined;
    labelSelect.replaceChildren(new Option('none', ''));
    show('data-summary', 'No data loaded.');
    showError(error);
    setState('idle');
    return;
  }
  const { rows, columns, hasHeader } = table;
  const header = hasHeader ? 'a header row' : 'no header row';
  show(
    'data-summary',
    `${name}: ${rows.length} rows, ${columns.length} columns, ${header}.`,
  );
  const options = columns.map((column, i) => new Option(column, String(i)));
  labelSelect.replaceChildren(new Option('none', ''), ...options);
  const guess = columns.findIndex((c) =>
    LABEL_COLUMN_NAMES.includes(c.toLowerCase()),
  );
  labelSelect.value = guess >= 0 ? String(guess) : '';
  updateClusterCount();
  show('status', 'Ready to start.');
  setState('idle');
}

function selectedLabelColumn(): number | null {
  return labelSelect.value === '' ? null : Number(labelSelect.value);
}

/** Sets k to the number of classes of the chosen label column. */
function updateClusterCount(): void {
  const column = selectedLabelColumn();
  if (table === undefined || column === null) return;
  const classes = new Set(table.rows.map((row) => row[column]));
  element<HTMLInputElement>('clusters').value = String(classes.size);
}

function readFields(): SettingsFields {
  const value = (id: string) => element<HTMLInputElement>(id).value;
  return {
    preset: value('preset'),
    clusters: value('clusters'),
    epochs: value('epochs'),
    runs: value('runs'),
    seed: value('seed'),
    batchSize: value('batch-size'),
    learningRate: value('learning-rate'),
    backend: value('backend'),
  };
}

/** Reads the table and the form into a start request. */
function buildRequest(loaded: CsvTable): {
  request: WorkerRequest;
  data: TableData;
} {
  const data = readTable(loaded, selectedLabelColumn());
  const request: WorkerRequest = {
    type: 'start',
    data: { x: data.x, nSamples: data.nSamples, nFeatures: data.nFeatures },
    settings: readSettings(readFields()),
    wasmPaths: new URL('wasm/', document.baseURI).href,
  };
  return { request, data };
}

/** Starts a fresh worker on the loaded table with the form's settings. */
function start(): void {
  if (table === undefined) return;
  show('error', '');
  let built: ReturnType<typeof buildRequest>;
  try {
    built = buildRequest(table);
  } catch (error) {
    showError(error);
    return;
  }

  lossChart.clear();
  mappedChart.clear();
  clearResults();
  const current = new Worker(new URL('./worker.ts', import.meta.url), {
    type: 'module',
  });
  worker = current;
  current.onmessage = ({ data: event }: MessageEvent<WorkerEvent>) =>
    handleEvent(event, built.data, current);
  current.onerror = (event) =>
    finishFailed(
      current,
      event.message || 'the training worker failed to load or crashed',
    );
  // The page does not read the features again, so their buffer is moved.
  current.postMessage(built.request, [built.data.x.buffer]);
  show('status', 'Starting the backend.');
  setState('running');
}

function stop(): void {
  worker?.postMessage({ type: 'stop' } satisfies WorkerRequest);
  stopButton.disabled = true;
  show('status', 'Stopping after the current step.');
}

function handleEvent(
  event: WorkerEvent,
  data: TableData,
  source: Worker,
): void {
  switch (event.type) {
    case 'backend': {
      const { name, version, threads, details } = event.backend;
      const extra = details === undefined ? '' : `, ${details}`;
      show(
        'backend-info',
        `Backend: ${name} ${version}, ${threads} thread(s)${extra}.`,
      );
      break;
    }
    case 'epoch': {
      const { run, nRuns, epoch, epochs, loss } = event.progress;
      lossChart.add(run, epoch, loss);
      show(
        'status',
        `Run ${run + 1} of ${nRuns}, epoch ${epoch + 1} of ${epochs}: ` +
          `mean loss ${loss.toFixed(4)}.`,
      );
      break;
    }
    case 'mapped':
      mappedChart.show(event);
      break;
    case 'done':
      showResults(event, data);
      source.terminate();
      setState('done');
      break;
    case 'failed':
      finishFailed(source, `${event.error.name}: ${event.error.message}`);
      break;
  }
}

function finishFailed(source: Worker, message: string): void {
  source.terminate();
  show('error', message);
  show('status', 'Training failed.');
  setState('failed');
}

fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file === undefined) return;
  file.text().then(
    (text) => loadTable(text, file.name),
    (error: unknown) => showError(error),
  );
});
sampleButton.addEventListener('click', () =>
  loadTable(sampleBlobsCsv(), 'blobs.csv'),
);
labelSelect.addEventListener('change', updateClusterCount);
element('settings').addEventListener('submit', (event) => {
  event.preventDefault();
  start();
});
stopButton.addEventListener('click', stop);
