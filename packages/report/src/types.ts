/** Loss history of one training run, as `summary.json` stores it. */
export interface RunHistory {
  /** Index of the run, from 0. */
  run: number;
  /** Mean training loss of each completed epoch. */
  epochLosses: number[];
  /**
   * Mean clustering term of each completed epoch; drawn as its own line
   * when present. `fit` does not record it yet.
   */
  epochClustering?: number[];
  /**
   * Mean variable-features term (`-lambda` times the mean standard
   * deviation of the mapped features) of each completed epoch; drawn as
   * its own line when present. `fit` does not record it yet.
   */
  epochVariableFeatures?: number[];
  /** Mean reconstruction error of each completed epoch, with an autoencoder. */
  epochReconstruction?: number[];
}

/**
 * Mapped coordinates of a sample of rows: where the network puts each row
 * in the k-dimensional space of the representatives.
 */
export interface MappedSample {
  /**
   * Number of clusters k. The mapped space has the representatives'
   * dimension d, which is k for the default vertex layout.
   */
  nClusters: number;
  /** Mapped coordinates, one row of d values per sampled row. */
  mapped: number[][];
  /** Cluster of each sampled row. */
  clusters: number[];
  /** True class of each sampled row, when the data has classes. */
  classes?: number[];
  /** The representatives, one row of d coordinates per cluster. */
  representatives: number[][];
  /**
   * The first two principal components of `mapped`, one pair per row;
   * absent when d is below 3, where the first two coordinates are all.
   */
  pca?: number[][];
  /** The representatives projected on the same two components. */
  representativesPca?: number[][];
}

/** Sample images of each cluster, for data sets of square images. */
export interface ClusterImages {
  /** Image width and height in pixels. */
  width: number;
  height: number;
  /**
   * Images of each cluster: `images[c]` lists row-major pixel arrays of
   * length `width * height`, in any range; each image is scaled from its
   * own minimum (white) to its maximum (black).
   */
  images: number[][][];
}

/** One row of a metric table. */
export interface MetricRow {
  /** Row name, such as `init` or `trained`. */
  name: string;
  purity: number;
  ari: number;
  nmi: number;
  accuracy: number;
}
