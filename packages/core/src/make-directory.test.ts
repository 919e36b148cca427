import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeDirectory } from './artifact-files.js';

let base = '';

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'fixclust-mkdir-'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path)).isDirectory();
}

describe('makeDirectory', () => {
  it('creates missing parents', async () => {
    const path = join(base, 'a', 'b', 'c');
    await makeDirectory(path);
    expect(await isDirectory(path)).toBe(true);
  });

  it('accepts an existing directory', async () => {
    const path = join(base, 'existing');
    await mkdir(path);
    await expect(makeDirectory(path)).resolves.toBeUndefined();
  });

  it('creates a relative path', async () => {
    const previous = process.cwd();
    process.chdir(base);
    try {
      await makeDirectory(join('relative', 'child'));
    } finally {
      process.chdir(previous);
    }
    expect(await isDirectory(join(base, 'relative', 'child'))).toBe(true);
  });

  it('resolves .. after following a link', async () => {
    const target = join(base, 'target', 'inner');
    await mkdir(target, { recursive: true });
    await symlink(target, join(base, 'link'));
    // Not path.join, which would drop `link/..` before the system resolves it.
    await makeDirectory(`${base}/link/../sibling/child`);
    expect(await isDirectory(join(base, 'target', 'sibling', 'child'))).toBe(
      true,
    );
    expect(existsSync(join(base, 'sibling'))).toBe(false);
  });

  it('raises EEXIST for a file in its place', async () => {
    const path = join(base, 'file');
    await writeFile(path, '');
    await expect(makeDirectory(path)).rejects.toMatchObject({
      code: 'EEXIST',
    });
  });

  it('raises ENOTDIR for a file on its path', async () => {
    const file = join(base, 'parent-file');
    await writeFile(file, '');
    await expect(makeDirectory(join(file, 'x', 'y'))).rejects.toMatchObject({
      code: 'ENOTDIR',
    });
  });

  it('raises ENOENT under a link to a missing target', async () => {
    const link = join(base, 'dangling');
    await symlink(join(base, 'missing-target'), link);
    await expect(makeDirectory(join(link, 'out'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  // procfs returns ENOENT for mkdir of a new entry although /proc exists,
  // the case in which Node's recursive mkdir never settles.
  it.skipIf(process.platform !== 'linux')(
    'raises ENOENT under /proc on Linux',
    async () => {
      await expect(
        makeDirectory('/proc/fixclust-test/out'),
      ).rejects.toMatchObject({ code: 'ENOENT' });
    },
  );
});
