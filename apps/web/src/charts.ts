import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartDataset,
} from 'chart.js';

import { projectToPlane } from './projection.js';
import type { MappedEvent } from './protocol.js';

/** Colour-blind-safe categorical palette (Okabe and Ito), then repeats. */
const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
];

type Point = { x: number; y: number };

let registered = false;

/** Registers the Chart.js parts the two charts use, once per page. */
function registerChartParts(): void {
  if (registered) return;
  Chart.register(
    LineController,
    ScatterController,
    LineElement,
    PointElement,
    LinearScale,
    Legend,
    Tooltip,
  );
  registered = true;
}

function colour(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/**
 * A line chart of the mean loss of each epoch, one line per run, with the
 * epoch (from 1) on the horizontal axis. `canvas.dataset.points` counts
 * the points drawn.
 */
export class LossChart {
  private readonly chart: Chart<'line', Point[]>;

  constructor(private readonly canvas: HTMLCanvasElement) {
    registerChartParts();
    this.chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        parsing: false,
        maintainAspectRatio: false,
        scales: {
          x: {
            type: 'linear',
            title: { display: true, text: 'epoch' },
            ticks: { precision: 0 },
          },
          y: { type: 'linear', title: { display: true, text: 'mean loss' } },
        },
      },
    });
  }

  /** Removes every line. */
  clear(): void {
    this.chart.data.datasets = [];
    this.chart.update();
    this.canvas.dataset.points = '0';
  }

  /** Adds the loss of `epoch` (from 0) of `run` (from 0) and redraws. */
  add(run: number, epoch: number, loss: number): void {
    const datasets = this.chart.data.datasets;
    while (datasets.length <= run) {
      const index = datasets.length;
      datasets.push({
        label: `run ${index + 1}`,
        data: [],
        borderColor: colour(index),
        backgroundColor: colour(index),
      });
    }
    datasets[run]!.data.push({ x: epoch + 1, y: loss });
    this.chart.update();
    const points = datasets.reduce((sum, d) => sum + d.data.length, 0);
    this.canvas.dataset.points = String(points);
  }
}

/**
 * A scatter chart of the mapped space projected onto a plane (see
 * {@link projectToPlane}), one colour per cluster, with the
 * representatives as crosses. `canvas.dataset.points` counts the rows
 * drawn.
 */
export class MappedChart {
  private readonly chart: Chart<'scatter', Point[]>;

  constructor(private readonly canvas: HTMLCanvasElement) {
    registerChartParts();
    this.chart = new Chart(canvas, {
      type: 'scatter',
      data: { datasets: [] },
      options: {
        animation: false,
        parsing: false,
        maintainAspectRatio: false,
        scales: { x: { type: 'linear' }, y: { type: 'linear' } },
      },
    });
  }

  /** Removes every point. */
  clear(): void {
    this.chart.data.datasets = [];
    this.chart.update();
    this.canvas.dataset.points = '0';
  }

  /** Draws the rows of a `mapped` event in place of the previous ones. */
  show(mapped: MappedEvent): void {
    const plane = projectToPlane(mapped.coordinates, mapped.dimension);
    const nClusters = mapped.representatives.length;
    const clusters: Point[][] = Array.from({ length: nClusters }, () => []);
    mapped.labels.forEach((label, row) => {
      clusters[label]?.push({ x: plane[2 * row]!, y: plane[2 * row + 1]! });
    });
    const datasets: ChartDataset<'scatter', Point[]>[] = clusters.map(
      (points, cluster) => ({
        label: `cluster ${cluster} (${points.length})`,
        data: points,
        pointRadius: 2,
        backgroundColor: colour(cluster),
        borderColor: colour(cluster),
      }),
    );
    datasets.push(this.representativeDataset(mapped));
    this.chart.data.datasets = datasets;
    this.chart.update();
    this.canvas.dataset.points = String(mapped.labels.length);
  }

  private representativeDataset(
    mapped: MappedEvent,
  ): ChartDataset<'scatter', Point[]> {
    const flat = mapped.representatives.flat();
    const plane = projectToPlane(flat, mapped.dimension);
    const points = mapped.representatives.map((_, i) => ({
      x: plane[2 * i]!,
      y: plane[2 * i + 1]!,
    }));
    return {
      label: 'representatives',
      data: points,
      pointStyle: 'crossRot',
      pointRadius: 8,
      borderWidth: 2,
      borderColor: '#000000',
      backgroundColor: '#000000',
    };
  }
}
