import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { FixedRepresentativeClustering, PRESETS } from '@fixclust/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { resolveRunSettings } from './resolve.js';
import { experimentSchema } from './schema.js';
import { ENVIRONMENT_VARIABLES } from './sources.js';

const examples = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../examples/configs',
);
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'fixclust-settings-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function configFile(name: string, text: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
}

describe('resolveRunSettings precedence', () => {
  it('uses the defaults without sources', async () => {
    const { settings, origins } = await resolveRunSettings({}, {});
    expect(settings.data.dataset).toBe('mnist');
    expect(settings.model.preset).toBe('km50');
    expect(origins).toEqual({});
  });

  it('lets the environment override the defaults', async () => {
    const { settings, origins } = await resolveRunSettings(
      {},
      { FIXCLUST_EPOCHS: '4', FIXCLUST_PRESET: 'gmm1', FIXCLUST_QUIET: '1' },
    );
    expect(settings.training?.epochs).toBe(4);
    expect(settings.model.preset).toBe('gmm1');
    expect(settings.output?.quiet).toBe(true);
    expect(origins['training.epochs']).toBe('environment');
  });

  it('lets the file override the environment', async () => {
    const config = await configFile(
      'file-over-environment.json',
      JSON.stringify({ training: { epochs: 6 }, model: { lambda: 3 } }),
    );
    const { settings, origins } = await resolveRunSettings(
      { config },
      { FIXCLUST_EPOCHS: '4', FIXCLUST_SEED: '9' },
    );
    expect(settings.training?.epochs).toBe(6);
    expect(settings.training?.seed).toBe(9);
    expect(settings.model.lambda).toBe(3);
    expect(origins).toEqual({
      'training.epochs': 'config',
      'training.seed': 'environment',
      'model.lambda': 'config',
    });
  });

  it('lets a flag override the file', async () => {
    const config = await configFile(
      'flag-over-file.yaml',
      'training:\n  epochs: 6\n  nRuns: 3\nmodel:\n  preset: cmm1\n',
    );
    const { settings, origins } = await resolveRunSettings(
      { config, epochs: 8, preset: 'km1' },
      { FIXCLUST_EPOCHS: '4' },
    );
    expect(settings.training?.epochs).toBe(8);
    expect(settings.training?.nRuns).toBe(3);
    expect(settings.model.preset).toBe('km1');
    expect(origins['training.epochs']).toBe('flag');
    expect(origins['training.nRuns']).toBe('config');
  });

  it('resolves file paths from the file folder', async () => {
    const config = await configFile(
      'paths.json',
      JSON.stringify({
        data: { dataset: 'digits.csv', labels: 'labels.npy' },
        output: { out: 'results' },
        plugins: ['./plugin.js', 'some-package'],
      }),
    );
    const { settings } = await resolveRunSettings({ config }, {});
    expect(settings.data.dataset).toBe(join(directory, 'digits.csv'));
    expect(settings.data.labels).toBe(join(directory, 'labels.npy'));
    expect(settings.output?.out).toBe(join(directory, 'results'));
    expect(settings.plugins).toEqual([
      join(directory, 'plugin.js'),
      'some-package',
    ]);
  });

  it('keeps bundled data set names', async () => {
    const config = await configFile(
      'bundled.json',
      JSON.stringify({ data: { dataset: 'usps' } }),
    );
    const { settings } = await resolveRunSettings({ config }, {});
    expect(settings.data.dataset).toBe('usps');
  });
});

describe('resolveRunSettings errors', () => {
  it('names an invalid field of the file', async () => {
    const config = await configFile(
      'invalid.json',
      JSON.stringify({ training: { epochs: 0 } }),
    );
    await expect(resolveRunSettings({ config }, {})).rejects.toThrow(
      `experiment file ${config}: field "training.epochs" must be an ` +
        `integer at least 1, got 0`,
    );
  });

  it('names an unknown field', async () => {
    const config = await configFile(
      'unknown.json',
      JSON.stringify({ model: { hiddenSize: [32] } }),
    );
    await expect(resolveRunSettings({ config }, {})).rejects.toMatchObject({
      parameter: 'model.hiddenSize',
      message: expect.stringContaining(
        'field "model.hiddenSize" is not a known setting',
      ),
    });
  });

  it('names a value outside its choices', async () => {
    const config = await configFile(
      'choice.yaml',
      'preprocessing:\n  scaling: robust\n',
    );
    await expect(resolveRunSettings({ config }, {})).rejects.toThrow(
      'field "preprocessing.scaling" must be one of none, standard, minmax, ' +
        'got "robust"',
    );
  });

  it('names a wrong type', async () => {
    const config = await configFile(
      'type.json',
      JSON.stringify({ training: { shuffle: 'no' } }),
    );
    await expect(resolveRunSettings({ config }, {})).rejects.toThrow(
      'field "training.shuffle" must be a boolean, got "no"',
    );
  });

  it('names the environment variable', async () => {
    await expect(
      resolveRunSettings({}, { FIXCLUST_RUNS: 'many' }),
    ).rejects.toThrow(
      'environment variable FIXCLUST_RUNS must be an integer, got "many"',
    );
    await expect(
      resolveRunSettings({}, { FIXCLUST_RUNS: '0' }),
    ).rejects.toThrow(
      'nRuns must be an integer at least 1, got 0 (set with environment ' +
        'variable FIXCLUST_RUNS)',
    );
  });

  it('gives the range of an oversized integer variable', async () => {
    await expect(
      resolveRunSettings({}, { FIXCLUST_SEED: '99999999999999999999' }),
    ).rejects.toThrow(
      'environment variable FIXCLUST_SEED must be an integer of at most ' +
        '9007199254740991 in magnitude, got "99999999999999999999"',
    );
  });

  it('names the flag', async () => {
    await expect(resolveRunSettings({ runs: 0 }, {})).rejects.toThrow(
      'nRuns must be an integer at least 1, got 0 (set with --runs)',
    );
    await expect(resolveRunSettings({ limit: 0 }, {})).rejects.toThrow(
      '--limit must be an integer at least 1, got 0',
    );
  });

  it('names an empty text value', async () => {
    await expect(resolveRunSettings({ dataset: '' }, {})).rejects.toThrow(
      '--dataset must not be empty, got ""',
    );
    const config = await configFile(
      'empty.json',
      JSON.stringify({ training: { backend: '' } }),
    );
    await expect(resolveRunSettings({ config }, {})).rejects.toThrow(
      'field "training.backend" must not be empty, got ""',
    );
  });

  it.each([
    ['output', 'out'],
    ['data', 'path'],
    ['data', 'labels'],
    ['data', 'dataset'],
  ])('rejects an empty %s.%s in a file', async (name, field) => {
    const config = await configFile(
      `empty-${field}.json`,
      JSON.stringify({ [name]: { [field]: '' } }),
    );
    await expect(resolveRunSettings({ config }, {})).rejects.toThrow(
      `experiment file ${config}: field "${name}.${field}" must not be ` +
        'empty, got ""',
    );
  });

  it('rejects an empty plug-in in a file', async () => {
    const config = await configFile(
      'empty-plugin.json',
      JSON.stringify({ plugins: [''] }),
    );
    await expect(resolveRunSettings({ config }, {})).rejects.toThrow(
      `experiment file ${config}: field "plugins.0" must not be empty, got ""`,
    );
  });

  it('names a file that is not there or not JSON', async () => {
    const missing = join(directory, 'missing.json');
    await expect(resolveRunSettings({ config: missing }, {})).rejects.toThrow(
      `experiment file ${missing} does not exist`,
    );
    const broken = await configFile('broken.json', '{"data": ');
    await expect(resolveRunSettings({ config: broken }, {})).rejects.toThrow(
      `experiment file ${broken} is not valid JSON`,
    );
  });
});

describe('pca 0 means no PCA', () => {
  /** Resolves the settings with `pca` given by one source. */
  async function withPca(
    origin: 'flag' | 'environment' | 'config',
    pca: string,
  ) {
    const flags: Record<string, unknown> = { preset: 'km-plus-text' };
    const environment: Record<string, string> = {};
    if (origin === 'flag') flags['pca'] = Number(pca);
    if (origin === 'environment') environment['FIXCLUST_PCA'] = pca;
    if (origin === 'config') {
      const text = `preprocessing:\n  pca: ${pca}\n`;
      flags['config'] = await configFile(`pca-${pca}.yaml`, text);
    }
    return resolveRunSettings(flags, environment);
  }

  it.each(['flag', 'environment', 'config'] as const)(
    'turns off the preset PCA from the %s',
    async (origin) => {
      const { settings, origins } = await withPca(origin, '0');
      expect(settings.preprocessing?.pca).toBeNull();
      expect(origins['preprocessing.pca']).toBe(origin);
      const model = new FixedRepresentativeClustering({
        nClusters: 2,
        ...settings.model,
        ...settings.preprocessing,
      });
      expect(model.options.pca).toBeNull();
      expect(model.options.scaling).toBe('standard');
    },
  );

  it.each(['flag', 'environment', 'config'] as const)(
    'keeps a count from the %s',
    async (origin) => {
      const { settings } = await withPca(origin, '20');
      expect(settings.preprocessing?.pca).toBe(20);
    },
  );

  it('takes null in a file', async () => {
    const { settings } = await withPca('config', 'null');
    expect(settings.preprocessing?.pca).toBeNull();
  });

  it('leaves the preset PCA without a source', async () => {
    const { settings } = await resolveRunSettings(
      { preset: 'km-plus-text' },
      {},
    );
    const model = new FixedRepresentativeClustering({
      nClusters: 2,
      ...settings.model,
    });
    expect(model.options.pca).toBe(100);
  });

  it('rejects a negative count', async () => {
    const expected = 'must be an integer at least 0 (0 for no PCA), got -1';
    await expect(withPca('flag', '-1')).rejects.toThrow(`--pca ${expected}`);
    await expect(withPca('environment', '-1')).rejects.toThrow(
      `pca ${expected} (set with environment variable FIXCLUST_PCA)`,
    );
    await expect(withPca('config', '-1')).rejects.toThrow(
      `field "preprocessing.pca" ${expected}`,
    );
  });
});

describe('example experiment files', () => {
  it('lists every environment variable once', () => {
    expect(new Set(ENVIRONMENT_VARIABLES).size).toBe(
      ENVIRONMENT_VARIABLES.length,
    );
    expect(ENVIRONMENT_VARIABLES).toContain('FIXCLUST_EPOCHS');
    expect(ENVIRONMENT_VARIABLES).not.toContain('FIXCLUST_DATA');
  });

  it.each(Object.keys(PRESETS))('%s.json gives its preset', async (name) => {
    const path = join(examples, `${name}.json`);
    const parsed = experimentSchema.parse(
      JSON.parse(await readFile(path, 'utf8')),
    );
    const { settings } = await resolveRunSettings({ config: path }, {});
    expect(settings).toEqual(parsed);
    const model = new FixedRepresentativeClustering({
      nClusters: 10,
      ...settings.model,
      ...settings.preprocessing,
      ...settings.training,
    });
    const preset = PRESETS[name as keyof typeof PRESETS];
    expect(model.options).toMatchObject({
      loss: preset.loss,
      lambda: preset.lambda,
      nRuns: 10,
      epochs: 10,
      batchSize: 128,
      learningRate: 0.001,
      hiddenSizes: [32],
    });
  });
});

describe('quality options in experiment files', () => {
  it('accepts the capped term, run selection and stopping', () => {
    const parsed = experimentSchema.parse({
      model: { preset: 'km-plus', deviationTarget: 'representatives' },
      training: { runSelection: 'balance', pretrainEpochs: 0, patience: 3 },
    });
    expect(parsed.model?.deviationTarget).toBe('representatives');
    expect(parsed.training?.runSelection).toBe('balance');
    expect(parsed.training?.patience).toBe(3);
  });

  it('takes a numeric cap or none', () => {
    expect(
      experimentSchema.parse({ model: { deviationTarget: 0.5 } }).model
        ?.deviationTarget,
    ).toBe(0.5);
    expect(
      experimentSchema.parse({ model: { deviationTarget: null } }).model
        ?.deviationTarget,
    ).toBeNull();
  });

  it('rejects an unknown run selection', () => {
    expect(
      experimentSchema.safeParse({ training: { runSelection: 'best' } })
        .success,
    ).toBe(false);
  });
});
