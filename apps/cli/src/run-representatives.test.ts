import {
  BUILT_IN_REPRESENTATIVE_NAMES,
  InvalidParameterError,
  registerRepresentativeType,
} from '@fixclust/core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { main } from './program.js';
import {
  checkRepresentativeType,
  withRepresentativeOptionSource,
} from './run-representatives.js';
import type { RunSettings } from './settings/resolve.js';
import { captureOutput } from './test-output.js';
import { quickRun } from './test-run.js';

/** Settings of a run whose model sets `model`, from `origin`. */
function runWith(
  model: RunSettings['settings']['model'],
  origin: 'flag' | 'config',
): RunSettings {
  const origins: RunSettings['origins'] = {};
  for (const field of Object.keys(model)) origins[`model.${field}`] = origin;
  return {
    settings: { data: { dataset: 'mnist' }, model },
    config: origin === 'config' ? 'experiment.yaml' : null,
    origins,
  };
}

const radiusError = new InvalidParameterError(
  'radius',
  'abc',
  'sphere option "radius" must be a finite number greater than 0, got "abc"',
);

describe('checkRepresentativeType', () => {
  it('accepts a built-in type', () => {
    const run = runWith({ representatives: 'sphere' }, 'flag');
    expect(() => checkRepresentativeType(run)).not.toThrow();
  });

  it('accepts a registered plug-in type', () => {
    registerRepresentativeType({
      name: 'checked-plugin-type',
      description: 'one point per axis',
      defaultDimension: (k) => k,
      create: () => [[1]],
    });
    const run = runWith({ representatives: 'checked-plugin-type' }, 'flag');
    expect(() => checkRepresentativeType(run)).not.toThrow();
  });

  it('names the experiment file field of an unknown type', () => {
    const run = runWith({ representatives: 'spike' }, 'config');
    expect(() => checkRepresentativeType(run)).toThrow(
      'unknown representative type "spike" (set in experiment file ' +
        'experiment.yaml, field "model.representatives"); types: vertex,',
    );
  });
});

describe('withRepresentativeOptionSource', () => {
  it('names the flag of an option', () => {
    const run = runWith({ representativeOptions: { radius: 'abc' } }, 'flag');
    const error = withRepresentativeOptionSource(radiusError, run);
    expect((error as Error).message).toBe(
      `${radiusError.message} (set with --representative-option radius=abc)`,
    );
  });

  it('names the experiment file field of an option', () => {
    const options = { representativeOptions: { radius: 'abc' } };
    const error = withRepresentativeOptionSource(
      radiusError,
      runWith(options, 'config'),
    );
    expect((error as Error).message).toMatch(
      /\(set in experiment file experiment\.yaml, field "model\.representativeOptions"\)$/,
    );
  });

  it('names the flag of the dimension', () => {
    const dimensionError = new InvalidParameterError(
      'dimension',
      12,
      'vertex representatives for 10 clusters need an integer dimension ' +
        'equal to 10, got 12',
    );
    const error = withRepresentativeOptionSource(
      dimensionError,
      runWith({ dimension: 12 }, 'flag'),
    );
    expect((error as Error).message).toBe(
      `${dimensionError.message} (set with --dimension 12)`,
    );
  });

  it('leaves an error about another value as it is', () => {
    const run = runWith({ representativeOptions: { radius: 2 } }, 'flag');
    expect(withRepresentativeOptionSource(radiusError, run)).toBe(radiusError);
  });
});

describe('fixclust run --help', () => {
  it('lists the built-in representative types', async () => {
    const output = captureOutput();
    await main(['node', 'fixclust', 'run', '--help'], output);
    const help = output.stdout.join(' ').replace(/\s+/g, ' ');
    expect(help).toContain(
      `representative layout: ${BUILT_IN_REPRESENTATIVE_NAMES.join(', ')} ` +
        'or a type a plug-in registers',
    );
  });
});

describe('fixclust run --dimension', () => {
  it('maps into the given dimension', async () => {
    const out = await mkdtemp(join(tmpdir(), 'fixclust-dimension-'));
    try {
      const { status, output } = await quickRun(
        '--representatives',
        'sphere',
        '--dimension',
        '12',
        '--out',
        out,
      );
      expect(output.stderr.join('\n')).not.toMatch(/fixclust: /);
      expect(status).toBe(0);
      const sample = JSON.parse(
        await readFile(join(out, 'mapped-sample.json'), 'utf8'),
      ) as { representatives: number[][] };
      expect(sample.representatives).toHaveLength(10);
      expect(sample.representatives[0]).toHaveLength(12);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('names the flag of a dimension the layout rejects', async () => {
    const { status, output } = await quickRun('--dimension', '12');
    const stderr = output.stderr.join('\n');
    expect(status).toBe(2);
    expect(stderr).toMatch(
      /fixclust: vertex representatives for 10 clusters need an integer dimension equal to 10, got 12 \(set with --dimension 12\)$/,
    );
  });
});

describe('fixclust run --representative-option', () => {
  it.each(['__proto__', 'constructor'])('rejects %s as a name', async (key) => {
    const output = captureOutput();
    const status = await main(
      ['node', 'fixclust', 'run', '--representative-option', `${key}=1`],
      output,
    );
    expect(status).toBe(2);
    expect(output.stderr.join('\n')).toContain(
      'fixclust: --representative-option must be key=value with the name ' +
        `of an option of the layout, got "${key}=1" ("${key}" is reserved)`,
    );
  });
});
