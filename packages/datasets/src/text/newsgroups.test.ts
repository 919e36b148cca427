import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { InvalidDataError, InvalidParameterError } from '@fixclust/core';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadDataset, loadSparseDataset } from '../load-dataset.js';
import {
  catchError,
  createTempDirectory,
  removeTempDirectory,
} from '../test-fixtures.js';
import { load20Newsgroups } from './newsgroups.js';
import { NEWSGROUPS, readNewsgroupsArchive } from './newsgroups-archive.js';

/** A member of a synthetic archive: a file with `content`, or a folder. */
interface Member {
  name: string;
  content?: Buffer | string;
  type?: 'directory' | 'symlink';
}

async function tarBytes(members: readonly Member[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const member of members) {
    if (member.type === 'symlink') {
      pack.entry({ name: member.name, type: 'symlink', linkname: 'target' });
    } else if (member.type === 'directory' || member.content === undefined) {
      pack.entry({ name: member.name, type: 'directory' });
    } else {
      pack.entry({ name: member.name }, member.content);
    }
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function writeArchive(
  path: string,
  members: readonly Member[],
): Promise<void> {
  await writeFile(path, gzipSync(await tarBytes(members)));
}

/**
 * Members of a valid archive: in each part, group g has the files `2` and
 * `10` (so sorting by string puts `10` first), each naming its part, group
 * and file.
 */
function layoutMembers(prefix = ''): Member[] {
  const members: Member[] = [];
  for (const part of ['20news-bydate-train', '20news-bydate-test']) {
    members.push({ name: `${prefix}${part}/` });
    for (const group of NEWSGROUPS) {
      members.push({ name: `${prefix}${part}/${group}/` });
      for (const id of ['2', '10']) {
        const text = `From: ${group}\n\nbody ${part} ${group} doc${id}`;
        members.push({
          name: `${prefix}${part}/${group}/${id}`,
          content: text,
        });
      }
    }
  }
  return members;
}

describe('readNewsgroupsArchive', () => {
  let directory: string;
  let path: string;

  beforeEach(async () => {
    directory = await createTempDirectory();
    path = join(directory, '20news-bydate.tar.gz');
  });

  afterEach(async () => {
    await removeTempDirectory(directory);
  });

  it('orders train, groups, then names', async () => {
    await writeArchive(path, layoutMembers().reverse());
    const corpus = await readNewsgroupsArchive(path);
    expect(corpus.nTrain).toBe(40);
    expect(corpus.nTest).toBe(40);
    expect(corpus.paths.slice(0, 3)).toEqual([
      '20news-bydate-train/alt.atheism/10',
      '20news-bydate-train/alt.atheism/2',
      '20news-bydate-train/comp.graphics/10',
    ]);
    expect(corpus.paths[40]).toBe('20news-bydate-test/alt.atheism/10');
  });

  it('labels groups alphabetically', async () => {
    await writeArchive(path, layoutMembers());
    const corpus = await readNewsgroupsArchive(path);
    const expected = [0, 1].flatMap(() =>
      NEWSGROUPS.flatMap((_, label) => [label, label]),
    );
    expect(Array.from(corpus.labels)).toEqual(expected);
  });

  it('keeps headers', async () => {
    await writeArchive(path, layoutMembers());
    const corpus = await readNewsgroupsArchive(path);
    expect(corpus.documents[1]).toBe(
      'From: alt.atheism\n\nbody 20news-bydate-train alt.atheism doc2',
    );
  });

  it('decodes bytes as latin-1', async () => {
    const name = '20news-bydate-train/alt.atheism/10';
    const bytes = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xa0, 0xff, 0x0d]);
    const members = layoutMembers().map((member) =>
      member.name === name ? { name, content: bytes } : member,
    );
    await writeArchive(path, members);
    const corpus = await readNewsgroupsArchive(path);
    expect(corpus.paths[0]).toBe(name);
    expect(corpus.documents[0]).toBe('caf\u00e9 \u00a0\u00ff\r');
  });

  it('reads one part', async () => {
    await writeArchive(path, layoutMembers());
    const corpus = await readNewsgroupsArchive(path, 'test');
    expect(corpus.nTrain).toBe(0);
    expect(corpus.nTest).toBe(40);
    expect(corpus.paths[0]).toBe('20news-bydate-test/alt.atheism/10');
  });

  it('accepts a ./ prefix and no folder members', async () => {
    const members = layoutMembers('./').filter((m) => m.content !== undefined);
    await writeArchive(path, members);
    const corpus = await readNewsgroupsArchive(path);
    expect(corpus.documents).toHaveLength(80);
  });
});

describe('readNewsgroupsArchive errors', () => {
  let directory: string;
  let path: string;

  beforeEach(async () => {
    directory = await createTempDirectory();
    path = join(directory, '20news-bydate.tar.gz');
  });

  afterEach(async () => {
    await removeTempDirectory(directory);
  });

  async function readError(): Promise<InvalidDataError> {
    const error = await catchError(() => readNewsgroupsArchive(path));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect((error as InvalidDataError).path).toBe(path);
    return error as InvalidDataError;
  }

  it('rejects a file that is not gzip', async () => {
    await writeFile(path, await tarBytes(layoutMembers()));
    const error = await readError();
    expect(error.message).toContain(
      'is not gzip-compressed: it starts with 32 30, but a gzip file starts ' +
        'with 1f 8b',
    );
  });

  it('rejects an empty file', async () => {
    await writeFile(path, '');
    expect((await readError()).message).toContain('it is empty');
  });

  it('rejects a truncated gzip file', async () => {
    const bytes = gzipSync(await tarBytes(layoutMembers()));
    await writeFile(path, bytes.subarray(0, bytes.length - 100));
    expect((await readError()).message).toContain(
      'is a corrupt or truncated gzip file (unexpected end of file)',
    );
  });

  it('rejects gzip that is not tar', async () => {
    await writeFile(path, gzipSync(Buffer.from('plain text\n'.repeat(100))));
    expect((await readError()).message).toContain(
      'does not contain a valid tar archive (Invalid tar header',
    );
  });

  it('rejects a missing part folder', async () => {
    const members = layoutMembers().filter(
      (member) => !member.name.startsWith('20news-bydate-test'),
    );
    await writeArchive(path, members);
    expect((await readError()).message).toContain(
      'has no folder 20news-bydate-test/; it must contain the folders',
    );
  });

  it('rejects a group without documents', async () => {
    const members = layoutMembers().filter(
      (member) =>
        !member.name.startsWith('20news-bydate-train/sci.med/') &&
        !member.name.startsWith('20news-bydate-train/sci.space/'),
    );
    await writeArchive(path, members);
    expect((await readError()).message).toContain(
      'has no documents in 20news-bydate-train/sci.med/, ' +
        '20news-bydate-train/sci.space/',
    );
  });

  it('rejects an unknown group', async () => {
    const members = layoutMembers();
    members.push({ name: '20news-bydate-test/sci.physics/1', content: 'x' });
    await writeArchive(path, members);
    expect((await readError()).message).toContain(
      'contains 20news-bydate-test/sci.physics/1 in the folder sci.physics, ' +
        'which is not one of the 20 newsgroups',
    );
  });

  it('rejects an entry outside the part folders', async () => {
    await writeArchive(path, [{ name: 'README', content: 'x' }]);
    expect((await readError()).message).toContain(
      'contains README, which is outside the two part folders',
    );
  });

  it('rejects a file directly in a part folder', async () => {
    const members = layoutMembers();
    members.push({ name: '20news-bydate-train/alt.atheism', content: 'x' });
    await writeArchive(path, members);
    expect((await readError()).message).toContain(
      'contains the file 20news-bydate-train/alt.atheism, which is not of ' +
        'the form <part folder>/<group>/<document>',
    );
  });

  it('rejects a nested folder', async () => {
    const members = layoutMembers();
    members.push({ name: '20news-bydate-train/sci.med/old/' });
    await writeArchive(path, members);
    expect((await readError()).message).toContain(
      'contains the folder 20news-bydate-train/sci.med/old, but group ' +
        'folders contain only files',
    );
  });

  it('rejects a symbolic link', async () => {
    const members = layoutMembers();
    members.push({ name: '20news-bydate-train/sci.med/9', type: 'symlink' });
    await writeArchive(path, members);
    expect((await readError()).message).toContain(
      'contains 20news-bydate-train/sci.med/9 of type symlink, but only ' +
        'folders and plain files are allowed',
    );
  });

  it('rejects a repeated file', async () => {
    const members = layoutMembers();
    members.push({ name: '20news-bydate-train/sci.med/2', content: 'again' });
    await writeArchive(path, members);
    expect((await readError()).message).toContain(
      'contains 20news-bydate-train/sci.med/2 twice',
    );
  });

  it('rejects a missing archive', async () => {
    const absent = join(directory, 'absent.tar.gz');
    const error = await catchError(() => readNewsgroupsArchive(absent));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe(`20 Newsgroups archive ${absent} not found`);
  });

  it('rejects a folder as the archive', async () => {
    const error = await catchError(() => readNewsgroupsArchive(directory));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain('is a folder, not a file');
  });
});

describe('load20Newsgroups', () => {
  let directory: string;
  let path: string;

  beforeEach(async () => {
    directory = await createTempDirectory();
    path = join(directory, '20news-bydate.tar.gz');
    await writeArchive(path, layoutMembers());
  });

  afterEach(async () => {
    await removeTempDirectory(directory);
  });

  it('vectorizes all documents', async () => {
    // Terms: from, body, the two part names, 20 groups, doc2 and doc10.
    const news = await load20Newsgroups({ path });
    expect(news.name).toBe('20news');
    expect(news.nSamples).toBe(80);
    expect(news.x.nRows).toBe(80);
    expect(news.nClasses).toBe(20);
    expect(news.groupNames).toEqual([...NEWSGROUPS]);
    expect(news.labels).toHaveLength(80);
    expect(news.nTrain).toBe(40);
    expect(news.nTest).toBe(40);
    expect(news.paths).toHaveLength(80);
  });

  it('keeps maxFeatures terms', async () => {
    const news = await load20Newsgroups({ path, maxFeatures: 4 });
    expect(news.nFeatures).toBe(4);
    expect(news.vocabulary).toEqual(['20news', 'body', 'bydate', 'from']);
    expect(news.idf).toHaveLength(4);
  });

  it('finds the archive in a folder', async () => {
    const news = await load20Newsgroups({ path: directory, split: 'train' });
    expect(news.name).toBe('20news-train');
    expect(news.nSamples).toBe(40);
  });

  it('rejects a missing path', async () => {
    const absent = join(directory, 'absent');
    const error = await catchError(() => load20Newsgroups({ path: absent }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe(
      `20 Newsgroups archive ${absent} not found; pass the path of ` +
        `20news-bydate.tar.gz or of its folder, or download it with ` +
        `fetch20Newsgroups()`,
    );
  });

  it('rejects a folder without the archive', async () => {
    const empty = join(directory, 'empty');
    await mkdir(empty);
    const error = await catchError(() => load20Newsgroups({ path: empty }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(
      `folder ${empty} has no file 20news-bydate.tar.gz`,
    );
  });

  it('rejects maxFeatures 0', async () => {
    const error = await catchError(() =>
      load20Newsgroups({ path, maxFeatures: 0 }),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
  });
});

describe('loadDataset 20news', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await createTempDirectory();
    await writeArchive(
      join(directory, '20news-bydate.tar.gz'),
      layoutMembers(),
    );
  });

  afterEach(async () => {
    await removeTempDirectory(directory);
  });

  it('returns a dense data set', async () => {
    const dataset = await loadDataset('20news', { path: directory });
    const sparse = await loadSparseDataset('20news', { path: directory });
    expect(dataset.name).toBe('20news');
    expect(dataset.x).toBeInstanceOf(Float32Array);
    expect(dataset.x).toHaveLength(dataset.nSamples * dataset.nFeatures);
    expect(dataset.nFeatures).toBe(sparse.nFeatures);
    expect(dataset.labels).toEqual(sparse.labels);
  });

  it('returns a sparse data set', async () => {
    const dataset = await loadSparseDataset('20news', {
      path: directory,
      split: 'test',
    });
    expect(dataset.name).toBe('20news-test');
    expect(dataset.x.format).toBe('csr');
    expect(dataset.nClasses).toBe(20);
  });

  it('asks for the archive path', async () => {
    for (const load of [loadDataset, loadSparseDataset]) {
      const error = await catchError(() => load('20news'));
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error.message).toContain('pass path');
      expect(error.message).toContain('fetch20Newsgroups()');
    }
  });
});
