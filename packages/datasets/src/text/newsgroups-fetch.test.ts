import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { InvalidDataError, InvalidParameterError } from '@fixclust/core';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  vi,
} from 'vitest';

import { describeWithData } from '../../../../tools/test-data.js';
import {
  catchError,
  createTempDirectory,
  removeTempDirectory,
} from '../test-fixtures.js';
import {
  DownloadError,
  defaultCacheDirectory,
  type DownloadProgress,
} from './download.js';
import { fetch20Newsgroups } from './newsgroups-fetch.js';

const ARCHIVE = '20news/20news-bydate.tar.gz';
const ARCHIVE_SHA256 =
  '26bbabf95cc51c7cab22ae9dfe182c1b4bb8763c9f78def3cace02d1952291e1';
const ARCHIVE_BYTES = 14_496_414;
const CACHED_NAME = '20news-bydate.tar.gz';

/**
 * An HTTP server on 127.0.0.1 that serves `body` at `/file`, its first half
 * then a closed connection at `/truncated`, and 404 elsewhere.
 */
class FileServer {
  readonly requests: string[] = [];
  private readonly server: Server;

  constructor(private readonly body: Buffer) {
    this.server = createServer((request, response) => {
      this.requests.push(request.url ?? '');
      const headers = { 'content-length': String(this.body.length) };
      if (request.url === '/file') {
        response.writeHead(200, headers).end(this.body);
      } else if (request.url === '/truncated') {
        response.writeHead(200, headers);
        response.write(this.body.subarray(0, this.body.length >> 1), () =>
          response.socket?.destroy(),
        );
      } else {
        response.writeHead(404, 'Not Found').end();
      }
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
  }

  url(route: string): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${route}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describeWithData('fetch20Newsgroups download', [ARCHIVE], (data) => {
  let server: FileServer;
  let cacheDirectory: string;

  beforeAll(async () => {
    server = new FileServer(await readFile(join(data, ARCHIVE)));
    await server.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  beforeEach(async () => {
    cacheDirectory = await createTempDirectory();
    server.requests.length = 0;
  });

  afterEach(async () => {
    await removeTempDirectory(cacheDirectory);
  });

  it('downloads once, then uses the cache', async () => {
    const progress: DownloadProgress[] = [];
    const options = {
      cacheDirectory,
      url: server.url('/file'),
      sha256: ARCHIVE_SHA256,
      onProgress: (step: DownloadProgress) => progress.push(step),
    };

    const first = await fetch20Newsgroups(options);
    expect(first).toEqual({
      path: join(cacheDirectory, CACHED_NAME),
      downloaded: true,
    });
    expect(sha256(await readFile(first.path))).toBe(ARCHIVE_SHA256);
    expect(progress[0]).toEqual({
      receivedBytes: 0,
      totalBytes: ARCHIVE_BYTES,
    });
    expect(progress.at(-1)).toEqual({
      receivedBytes: ARCHIVE_BYTES,
      totalBytes: ARCHIVE_BYTES,
    });

    const second = await fetch20Newsgroups(options);
    expect(second).toEqual({ path: first.path, downloaded: false });
    expect(server.requests).toEqual(['/file']);
    expect(await readdir(cacheDirectory)).toEqual([CACHED_NAME]);
  });

  it('rejects a truncated download', async () => {
    const error = await catchError(() =>
      fetch20Newsgroups({
        cacheDirectory,
        url: server.url('/truncated'),
        sha256: ARCHIVE_SHA256,
      }),
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toMatch(
      new RegExp(
        `^download of http://127\\.0\\.0\\.1:\\d+/truncated (failed after|is truncated)`,
      ),
    );
    expect(error.message).toContain(`of ${ARCHIVE_BYTES} bytes`);
    expect(await readdir(cacheDirectory)).toEqual([]);
  });

  it('rejects a checksum mismatch', async () => {
    const expected = 'ab'.repeat(32);
    const error = await catchError(() =>
      fetch20Newsgroups({
        cacheDirectory,
        url: server.url('/file'),
        sha256: expected,
      }),
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toContain(
      `has SHA-256 ${ARCHIVE_SHA256}, but ${expected} was expected`,
    );
    expect(await readdir(cacheDirectory)).toEqual([]);
  });

  it('replaces a corrupt cached copy', async () => {
    await writeFile(join(cacheDirectory, CACHED_NAME), 'not the archive');
    const result = await fetch20Newsgroups({
      cacheDirectory,
      url: server.url('/file'),
      sha256: ARCHIVE_SHA256,
    });
    expect(result.downloaded).toBe(true);
    expect(sha256(await readFile(result.path))).toBe(ARCHIVE_SHA256);
    expect(await readdir(cacheDirectory)).toEqual([CACHED_NAME]);
  });
});

describe('fetch20Newsgroups', () => {
  const body = Buffer.from('a small file standing in for the archive\n');
  const bodySha256 = sha256(body);
  let server: FileServer;
  let directory: string;

  beforeAll(async () => {
    server = new FileServer(body);
    await server.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  beforeEach(async () => {
    directory = await createTempDirectory();
    server.requests.length = 0;
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await removeTempDirectory(directory);
  });

  it('rejects an HTTP error status', async () => {
    const error = await catchError(() =>
      fetch20Newsgroups({
        cacheDirectory: directory,
        url: server.url('/absent'),
        sha256: bodySha256,
      }),
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toBe(
      `download of ${server.url('/absent')} failed: the server responded ` +
        `with HTTP status 404 Not Found`,
    );
    expect(await readdir(directory)).toEqual([]);
  });

  it('caches under XDG_CACHE_HOME by default', async () => {
    vi.stubEnv('XDG_CACHE_HOME', directory);
    const result = await fetch20Newsgroups({
      url: server.url('/file'),
      sha256: bodySha256,
    });
    expect(result.path).toBe(join(directory, 'fixclust', CACHED_NAME));
  });

  it('uses a given path without a request', async () => {
    const path = join(directory, CACHED_NAME);
    await writeFile(path, body);
    expect(await fetch20Newsgroups({ path: directory })).toEqual({
      path,
      downloaded: false,
    });
    expect(await fetch20Newsgroups({ path, sha256: bodySha256 })).toEqual({
      path,
      downloaded: false,
    });
    expect(server.requests).toEqual([]);
  });

  it('verifies a given path against sha256', async () => {
    const path = join(directory, CACHED_NAME);
    await writeFile(path, body);
    const error = await catchError(() =>
      fetch20Newsgroups({ path, sha256: ARCHIVE_SHA256 }),
    );
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`has SHA-256 ${bodySha256}`);
  });

  it('rejects a missing path', async () => {
    const error = await catchError(() =>
      fetch20Newsgroups({ path: join(directory, 'absent') }),
    );
    expect(error).toBeInstanceOf(InvalidDataError);
  });

  it('rejects path with url', async () => {
    const error = await catchError(() =>
      fetch20Newsgroups({ path: directory, url: server.url('/file') }),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toContain('pass either path or url');
  });

  it.each([
    [{ sha256: 'abc' }, 'sha256 must be 64 hexadecimal digits, got abc'],
    [{ url: 'ftp://127.0.0.1/x' }, 'url must be an http or https address'],
    [{ url: 'not a url' }, 'url must be an http or https address'],
  ])('rejects %j', async (options, message) => {
    const error = await catchError(() =>
      fetch20Newsgroups({ cacheDirectory: directory, ...options }),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toContain(message);
    expect(server.requests).toEqual([]);
  });
});

describe('defaultCacheDirectory', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('follows XDG_CACHE_HOME', () => {
    vi.stubEnv('XDG_CACHE_HOME', '/var/cache/me');
    expect(defaultCacheDirectory()).toBe('/var/cache/me/fixclust');
  });

  it('ignores a relative XDG_CACHE_HOME', () => {
    vi.stubEnv('XDG_CACHE_HOME', 'relative/cache');
    expect(defaultCacheDirectory()).not.toContain('relative');
  });
});
