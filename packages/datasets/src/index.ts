/**
 * Loaders for the MNIST (IDX files) and USPS (HDF5) handwritten digits as
 * dense float32 matrices, and seeded row sampling.
 *
 * @packageDocumentation
 */
export { DATASET_SPLITS, DIGIT_CLASSES, type DatasetSplit } from './digits.js';
export {
  parseIdx,
  readIdx,
  type IdxArray,
  type IdxData,
  type IdxType,
} from './idx.js';
export {
  DATASET_NAMES,
  loadDataset,
  type DatasetName,
  type LoadDatasetOptions,
} from './load-dataset.js';
export {
  MNIST_FILES,
  loadMnist,
  mnistDirectoryFromPackage,
  type MnistOptions,
} from './mnist.js';
export { sampleDataset } from './sample.js';
export { USPS_FILE_NAME, loadUsps, type UspsOptions } from './usps.js';
