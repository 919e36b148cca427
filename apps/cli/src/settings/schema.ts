import { CLUSTERING_LOSSES, MAX_SEED } from '@fixclust/core';
import {
  ACTIVATIONS,
  DECODER_ACTIVATIONS,
  MAX_HIDDEN_LAYERS,
  NETWORKS,
  OPTIMIZERS,
  PRESETS,
  QUALITY_PRESETS,
  REPRESENTATIVE_INITS,
  RUN_SELECTIONS,
  SCALINGS,
  type PresetName,
} from '@fixclust/model';
import { z } from 'zod';

/** Creates an integer schema for [minimum, maximum] with the model's message. */
function count(minimum: number, maximum?: number) {
  const range =
    maximum === undefined
      ? `at least ${minimum}`
      : `between ${minimum} and ${maximum}`;
  const error = `must be an integer ${range}`;
  const schema = z.int({ error }).min(minimum, { error });
  return maximum === undefined ? schema : schema.max(maximum, { error });
}

/** Creates a schema for a finite number above (or at least) `minimum`. */
function number(minimum: number, orEqual: boolean) {
  const relation = orEqual ? 'at least' : 'greater than';
  const error = `must be a finite number ${relation} ${minimum}`;
  const schema = z.number({ error });
  return orEqual
    ? schema.min(minimum, { error })
    : schema.gt(minimum, { error });
}

/**
 * Creates the schema of `preprocessing.pca`: a number of principal
 * components, or 0 or null for no PCA, as in `fixclust bench --pca 0`.
 * It parses 0 to null, the model's value for no PCA, so `--pca 0`,
 * `FIXCLUST_PCA=0` and `pca: 0` in a file also turn off a preset's PCA.
 */
function pcaComponents() {
  const error = 'must be an integer at least 0 (0 for no PCA)';
  return z
    .int({ error })
    .min(0, { error })
    .transform((n) => (n === 0 ? null : n))
    .nullable();
}

const weight = number(0, true);
const presetNames = [
  ...Object.keys(PRESETS),
  ...Object.keys(QUALITY_PRESETS),
] as [PresetName, ...PresetName[]];

/** Data source: the data set, its files and its reader options. */
const dataSchema = z.strictObject({
  /** A bundled data set's name, or the path of a CSV or NPY file. */
  dataset: z.string().min(1).optional(),
  /** File or folder of a bundled data set. */
  path: z.string().min(1).optional(),
  /** Size of the seeded row sample. */
  limit: count(1).optional(),
  /** CSV field delimiter. */
  delimiter: z.string().min(1).optional(),
  /** Decimal separator of the CSV numbers. */
  decimalSeparator: z.enum(['.', ',']).optional(),
  /** Whether the CSV file has a header row. */
  header: z.boolean().optional(),
  /** CSV column of true classes, by name or 1-based index. */
  labelColumn: z.union([z.string().min(1), count(1)]).optional(),
  /** NPY file of true classes for an NPY data file. */
  labels: z.string().min(1).optional(),
});

/** Preprocessing fitted on the training data. */
const preprocessingSchema = z.strictObject({
  scaling: z.enum(SCALINGS).optional(),
  pca: pcaComponents().optional(),
});

const autoencoderSchema = z.strictObject({
  depth: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  sizes: z.array(count(1)).optional(),
  decoderActivation: z.enum(DECODER_ACTIVATIONS).optional(),
  reconstructionWeight: number(0, false).optional(),
});

/** The model: the options of `FixedRepresentativeClustering`. */
const modelSchema = z.strictObject({
  preset: z.enum(presetNames).optional(),
  nClusters: count(1).optional(),
  loss: z.enum(CLUSTERING_LOSSES).optional(),
  lambda: weight.optional(),
  hiddenSizes: z.array(count(1)).max(MAX_HIDDEN_LAYERS).optional(),
  activation: z.enum(ACTIVATIONS).optional(),
  outputActivation: z.enum(ACTIVATIONS).optional(),
  network: z.enum(NETWORKS).optional(),
  imageShape: z.array(count(1)).nullable().optional(),
  filters: z.array(count(1)).nullable().optional(),
  autoencoder: autoencoderSchema.optional(),
  representatives: z.string().min(1).optional(),
  representativeOptions: z.record(z.string(), z.unknown()).optional(),
  representativeInit: z.enum(REPRESENTATIVE_INITS).optional(),
  dimension: count(1).optional(),
  trainableLocations: z.boolean().optional(),
  trainableLogits: z.boolean().optional(),
  trainableScale: z.boolean().optional(),
  representativeVariance: weight.optional(),
  uniformLogits: weight.optional(),
  klDivergence: weight.optional(),
  deviationTarget: z
    .union([number(0, false), z.literal('representatives')])
    .nullable()
    .optional(),
});

/** Training settings and the compute backend. */
const trainingSchema = z.strictObject({
  nRuns: count(1).optional(),
  epochs: count(1).optional(),
  batchSize: count(2).optional(),
  learningRate: number(0, false).optional(),
  optimizer: z.enum(OPTIMIZERS).optional(),
  l2: weight.optional(),
  shuffle: z.boolean().optional(),
  seed: count(0, MAX_SEED).optional(),
  shareOptimizerState: z.boolean().optional(),
  runSelection: z.enum(RUN_SELECTIONS).optional(),
  pretrainEpochs: count(0).optional(),
  patience: count(1).nullable().optional(),
  backend: z.string().min(1).optional(),
});

/** Output folder and progress printing. */
const outputSchema = z.strictObject({
  out: z.string().min(1).optional(),
  quiet: z.boolean().optional(),
});

/**
 * The settings of `fixclust run`, in sections. Experiment files, command
 * flags and `FIXCLUST_*` environment variables are each checked against
 * this one schema, and so is their merge. Every field is optional: a
 * missing one falls through to the next source and finally to the
 * defaults (`data.dataset` mnist, `model.preset` km50, the rest the
 * model's own).
 */
export const experimentSchema = z.strictObject({
  data: dataSchema.optional(),
  preprocessing: preprocessingSchema.optional(),
  model: modelSchema.optional(),
  training: trainingSchema.optional(),
  output: outputSchema.optional(),
  /** Plug-in modules to import and register before the run. */
  plugins: z.array(z.string().min(1)).optional(),
});

/** Settings of `fixclust run`, as one source gives them. */
export type ExperimentSettings = z.infer<typeof experimentSchema>;

/** Names of the sections of {@link ExperimentSettings} that hold fields. */
export type SectionName = Exclude<keyof ExperimentSettings, 'plugins'>;

/** Sections in the order an experiment file lists them. */
export const SECTIONS: readonly SectionName[] = [
  'data',
  'preprocessing',
  'model',
  'training',
  'output',
];
