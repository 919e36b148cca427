/**
 * Loaders for the MNIST (IDX files) and USPS (HDF5) handwritten digits as
 * dense float32 matrices, the 20 Newsgroups texts as TF-IDF vectors, a
 * TF-IDF vectorizer, and seeded row sampling. NPY and CSV files can also
 * be read in blocks of rows, as streaming data sets.
 *
 * @packageDocumentation
 */
export { DATASET_SPLITS, DIGIT_CLASSES, type DatasetSplit } from './digits.js';
export { loadCsv, parseCsv } from './files/csv.js';
export {
  convertCsvToNpy,
  type CsvConversion,
  type CsvConversionOptions,
  type CsvConversionProgress,
} from './files/csv-convert.js';
export {
  defaultCsvCacheDirectory,
  openCsvStream,
  type CsvStream,
  type CsvStreamOptions,
} from './files/csv-stream.js';
export type { CsvOptions } from './files/csv-options.js';
export type { DecimalSeparator } from './files/decimal.js';
export {
  USER_DATASET_EXTENSIONS,
  loadUserDataset,
  openUserDatasetStream,
  type LoadUserDatasetOptions,
  type OpenUserDatasetStreamOptions,
} from './files/load-user-dataset.js';
export { NPY_DTYPES, type NpyDtype } from './files/npy-dtype.js';
export {
  loadNpy,
  loadNpyDataset,
  parseNpy,
  type NpyArray,
  type NpyDatasetOptions,
} from './files/npy.js';
export {
  openNpyStream,
  type NpyStream,
  type NpyStreamOptions,
} from './files/npy-stream.js';
export { NpyRowWriter, encodeNpyHeader } from './files/npy-writer.js';
export type { UserDataset } from './files/user-dataset.js';
export {
  parseIdx,
  readIdx,
  type IdxArray,
  type IdxData,
  type IdxType,
} from './idx.js';
export {
  DATASET_NAMES,
  SPARSE_DATASET_NAMES,
  loadDataset,
  loadSparseDataset,
  type DatasetName,
  type LoadDatasetOptions,
  type SparseDatasetName,
} from './load-dataset.js';
export {
  MNIST_FILES,
  loadMnist,
  mnistDirectoryFromPackage,
  type MnistOptions,
} from './mnist.js';
export { sampleDataset, sampleSparseDataset } from './sample.js';
export { USPS_FILE_NAME, loadUsps, type UspsOptions } from './usps.js';
export {
  DownloadError,
  defaultCacheDirectory,
  type DownloadProgress,
} from './text/download.js';
export {
  NEWSGROUPS_ARCHIVE_NAME,
  NEWSGROUPS_DEFAULT_FEATURES,
  load20Newsgroups,
  type NewsgroupsDataset,
  type NewsgroupsOptions,
} from './text/newsgroups.js';
export {
  NEWSGROUPS,
  NEWSGROUPS_SPLIT_FOLDERS,
  readNewsgroupsArchive,
  type Newsgroup,
  type NewsgroupsDocuments,
} from './text/newsgroups-archive.js';
export {
  NEWSGROUPS_SHA256,
  NEWSGROUPS_URL,
  fetch20Newsgroups,
  type FetchNewsgroupsOptions,
  type FetchNewsgroupsResult,
} from './text/newsgroups-fetch.js';
export {
  toDense,
  toDenseDataset,
  type SparseDataset,
} from './text/sparse-dataset.js';
export { TfidfVectorizer, type TfidfVectorizerOptions } from './text/tfidf.js';
export {
  TOKEN_PATTERN,
  compareCodePoints,
  tokenize,
  type TokenizeOptions,
} from './text/tokenize.js';
