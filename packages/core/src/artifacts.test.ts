import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  fetchArtifacts,
  readArtifacts,
  writeArtifacts,
} from './artifact-files.js';
import {
  checkWeightsBytes,
  decodeArrays,
  describeWeights,
  encodeArrays,
  manifestFailure,
  sha256Hex,
  validateWeightsField,
  type ArtifactArraySpec,
} from './artifacts.js';
import { InvalidDataError, InvalidParameterError } from './errors.js';

const specs: ArtifactArraySpec[] = [
  { name: 'a', shape: [2], dtype: 'float32' },
  { name: 'b', shape: [1, 2], dtype: 'float64' },
];
const fail = manifestFailure('test.json');

function encoded(): Uint8Array {
  return encodeArrays([
    { values: [1.5, -2], dtype: 'float32' },
    { values: [0.1, 1e300], dtype: 'float64' },
  ]);
}

describe('encodeArrays and decodeArrays', () => {
  it('round-trips float32 and float64', () => {
    const arrays = decodeArrays(specs, encoded(), fail);
    expect(arrays.get('a')).toEqual(Float32Array.from([1.5, -2]));
    expect(arrays.get('b')).toEqual(Float64Array.from([0.1, 1e300]));
  });

  it('writes little-endian values', () => {
    const bytes = encodeArrays([{ values: [1], dtype: 'float32' }]);
    expect(Array.from(bytes)).toEqual([0, 0, 0x80, 0x3f]);
  });

  it('names too few bytes', () => {
    expect(() => decodeArrays(specs, encoded().slice(0, 20), fail)).toThrow(
      'model manifest test.json: field "weights.tensors" (b) needs more bytes than the weights file has',
    );
  });

  it('names extra bytes', () => {
    const longer = new Uint8Array(28);
    longer.set(encoded());
    expect(() => decodeArrays(specs, longer, fail)).toThrow(
      'field "weights.tensors" covers 24 bytes, but the weights file has 28',
    );
  });
});

describe('checkWeightsBytes', () => {
  it('accepts matching bytes', async () => {
    const bytes = encoded();
    const weights = await describeWeights(specs, bytes);
    await expect(
      checkWeightsBytes(weights, bytes, 'test.json'),
    ).resolves.toBeUndefined();
  });

  it('names a truncated file', async () => {
    const weights = await describeWeights(specs, encoded());
    await expect(
      checkWeightsBytes(weights, encoded().slice(0, 10), 'test.json'),
    ).rejects.toThrow(
      `weights file ${weights.file} of test.json has 10 bytes, but field "weights.byteLength" says 24`,
    );
  });

  it('names a checksum mismatch', async () => {
    const bytes = encoded();
    const weights = await describeWeights(specs, bytes);
    bytes[0] = bytes[0]! ^ 0xff;
    const actual = await sha256Hex(bytes);
    await expect(
      checkWeightsBytes(weights, bytes, 'test.json'),
    ).rejects.toThrow(
      `has SHA-256 ${actual}, but field "weights.sha256" says ${weights.sha256}`,
    );
  });
});

describe('validateWeightsField', () => {
  it('names a dtype outside the allowed ones', async () => {
    const weights = await describeWeights(specs, encoded());
    expect(() =>
      validateWeightsField({ ...weights }, fail, ['float32']),
    ).toThrow(
      'field "weights.tensors[1]" must have a name, dtype "float32" and a shape of positive integers',
    );
  });

  it('rejects a file name with a path', () => {
    expect(() => validateWeightsField({ file: '../x.bin' }, fail)).toThrow(
      'field "weights.file" must be a plain file name',
    );
  });
});

describe('writeArtifacts and readArtifacts', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'fixclust-artifacts-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function artifacts(values: number[]) {
    const weights = encodeArrays([{ values, dtype: 'float64' }]);
    const tensors: ArtifactArraySpec[] = [
      { name: 'v', shape: [values.length], dtype: 'float64' },
    ];
    return {
      manifest: { weights: await describeWeights(tensors, weights) },
      weights,
    };
  }

  it('round-trips manifest and weights', async () => {
    const directory = join(root, 'round-trip');
    const saved = await artifacts([1, 2, 3]);
    await writeArtifacts(directory, 'm.json', saved);
    const read = await readArtifacts(directory, 'm.json');
    expect(read.manifest).toEqual(saved.manifest);
    expect(read.weights).toEqual(saved.weights);
    expect(read.source).toBe(join(directory, 'm.json'));
  });

  it('rejects a directory that is a file', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'text');
    const write = writeArtifacts(file, 'm.json', await artifacts([1]));
    await expect(write).rejects.toThrow(InvalidParameterError);
    await expect(write).rejects.toThrow(
      `cannot save into ${JSON.stringify(file)} because it is a file, not ` +
        'a directory; pass the path of a directory, new or existing',
    );
  });

  it('rejects a directory below a file', async () => {
    const file = join(root, 'another-file');
    await writeFile(file, 'text');
    const directory = join(file, 'model');
    await expect(
      writeArtifacts(directory, 'm.json', await artifacts([1])),
    ).rejects.toThrow('because a directory on its path is a file;');
  });

  it('removes the replaced weights file', async () => {
    const directory = join(root, 'twice');
    await writeArtifacts(directory, 'm.json', await artifacts([1]));
    const second = await artifacts([2]);
    await writeArtifacts(directory, 'm.json', second);
    expect((await readdir(directory)).sort()).toEqual(
      [second.manifest.weights.file, 'm.json'].sort(),
    );
  });

  it('keeps the old manifest until the weights are written', async () => {
    const directory = join(root, 'order');
    const first = await artifacts([1]);
    await writeArtifacts(directory, 'm.json', first);
    let during: unknown;
    await writeArtifacts(directory, 'm.json', await artifacts([2]), {
      onWeightsWritten: async () => {
        during = (await readArtifacts(directory, 'm.json')).manifest;
      },
    });
    expect(during).toEqual(first.manifest);
  });

  it('names a missing manifest', async () => {
    const directory = join(root, 'none');
    await expect(readArtifacts(directory, 'm.json')).rejects.toThrow(
      `model file ${join(directory, 'm.json')} is missing`,
    );
  });

  it('names invalid JSON', async () => {
    const directory = join(root, 'json');
    await writeArtifacts(directory, 'm.json', await artifacts([1]));
    await writeFile(join(directory, 'm.json'), '{"weights": ');
    await expect(readArtifacts(directory, 'm.json')).rejects.toThrow(
      /model manifest .*m\.json is not valid JSON/,
    );
  });
});

describe('fetchArtifacts', () => {
  it('fetches the weights beside the manifest', async () => {
    const saved = encoded();
    const manifest = { weights: await describeWeights(specs, saved) };
    const requested: string[] = [];
    const fetchFunction = (async (url: string) => {
      requested.push(url);
      const body = url.endsWith('.json')
        ? new TextEncoder().encode(JSON.stringify(manifest))
        : saved;
      return new Response(body);
    }) as typeof fetch;
    const read = await fetchArtifacts(
      'https://example.test/m/model.json',
      fetchFunction,
    );
    expect(requested[1]).toBe(
      `https://example.test/m/${manifest.weights.file}`,
    );
    expect(read.weights).toEqual(saved);
  });

  it('names an HTTP error', async () => {
    const fetchFunction = (async () =>
      new Response('gone', {
        status: 404,
        statusText: 'Not Found',
      })) as unknown as typeof fetch;
    await expect(
      fetchArtifacts('https://example.test/model.json', fetchFunction),
    ).rejects.toBeInstanceOf(InvalidDataError);
  });
});
