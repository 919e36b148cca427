import { join } from 'node:path';

import { InvalidDataError, InvalidParameterError } from '@fixclust/core';
import { makeDirectory } from '@fixclust/core/files';

import { assertOptions, assertPath } from '../arguments.js';
import { statOrUndefined } from '../files.js';
import {
  checkSha256,
  checkUrl,
  defaultCacheDirectory,
  downloadFile,
  sha256OfFile,
  type DownloadProgress,
} from './download.js';
import {
  NEWSGROUPS_ARCHIVE_NAME,
  findNewsgroupsArchive,
} from './newsgroups.js';

/**
 * Address of the official `20news-bydate.tar.gz`, the one scikit-learn's
 * `fetch_20newsgroups` downloads (a copy of Jason Rennie's archive on
 * figshare).
 */
export const NEWSGROUPS_URL = 'https://ndownloader.figshare.com/files/5975967';

/** SHA-256 of the archive at {@link NEWSGROUPS_URL}, as scikit-learn checks it. */
export const NEWSGROUPS_SHA256 =
  '8f1b2514ca22a5ade8fbb9cfa5727df95fa587f4c87b786e15c759fa66d95610';

/** Options of {@link fetch20Newsgroups}. */
export interface FetchNewsgroupsOptions {
  /**
   * An archive already on disk, or its folder: it is used as it is, with no
   * download, and verified only when `sha256` is given too. Default: none,
   * so the archive is downloaded into the cache.
   */
  path?: string | undefined;
  /**
   * Folder the archive is downloaded into, as `20news-bydate.tar.gz`.
   * Default: {@link defaultCacheDirectory}, such as `~/.cache/fixclust`.
   */
  cacheDirectory?: string | undefined;
  /** Address to download from. Default: {@link NEWSGROUPS_URL}. */
  url?: string | undefined;
  /**
   * Expected SHA-256 of the archive, 64 hexadecimal digits. Default:
   * {@link NEWSGROUPS_SHA256} for downloads, none for `path`.
   */
  sha256?: string | undefined;
  /** Called as the download progresses; never called on a cache hit. */
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** Aborts the download. */
  signal?: AbortSignal | undefined;
}

/** Keys of {@link FetchNewsgroupsOptions}. */
const FETCH_OPTION_NAMES = [
  'path',
  'cacheDirectory',
  'url',
  'sha256',
  'onProgress',
  'signal',
] as const satisfies ReadonlyArray<keyof FetchNewsgroupsOptions>;

/** Result of {@link fetch20Newsgroups}: the archive's path and origin. */
export interface FetchNewsgroupsResult {
  /** Path of `20news-bydate.tar.gz`, to pass to {@link load20Newsgroups}. */
  path: string;
  /** Whether this call downloaded it. */
  downloaded: boolean;
}

/**
 * Returns the path of a `20news-bydate.tar.gz`: `path` when given,
 * otherwise the copy in the cache folder, downloaded on the first call.
 *
 * A cached copy is used only when its SHA-256 matches; otherwise it is
 * downloaded again. A download is written to a temporary file in the cache
 * folder and renamed only after its checksum matches, so a failed or
 * interrupted download leaves no partial archive behind.
 *
 * @example
 * ```ts
 * const { path } = await fetch20Newsgroups({
 *   onProgress: ({ receivedBytes, totalBytes }) => show(receivedBytes, totalBytes),
 * });
 * const news = await load20Newsgroups({ path });
 * ```
 * @throws InvalidParameterError when `options` has an unknown key, `path`
 *   is combined with `url` or `cacheDirectory`, `path`, `cacheDirectory`,
 *   `sha256` or `url` is malformed, or the cache folder cannot be created.
 * @throws InvalidDataError when `path` does not exist, or its checksum
 *   differs from `sha256`.
 * @throws DownloadError when the download fails, is truncated, or has the
 *   wrong checksum.
 */
export async function fetch20Newsgroups(
  options: FetchNewsgroupsOptions = {},
): Promise<FetchNewsgroupsResult> {
  assertOptions(options, FETCH_OPTION_NAMES);
  for (const name of ['path', 'cacheDirectory'] as const) {
    if (options[name] !== undefined) assertPath(name, options[name]);
  }
  if (options.path !== undefined) return useLocalArchive(options);

  const url = options.url ?? NEWSGROUPS_URL;
  checkUrl(url);
  const sha256 = checkSha256(options.sha256 ?? NEWSGROUPS_SHA256);
  const cacheDirectory = options.cacheDirectory ?? defaultCacheDirectory();
  await createCacheDirectory(cacheDirectory);
  const path = join(cacheDirectory, NEWSGROUPS_ARCHIVE_NAME);

  const cached = await statOrUndefined(path, '20 Newsgroups archive');
  if (cached?.isFile() === true && (await sha256OfFile(path)) === sha256) {
    return { path, downloaded: false };
  }
  await downloadFile({
    url,
    destination: path,
    sha256,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  return { path, downloaded: true };
}

async function useLocalArchive(
  options: FetchNewsgroupsOptions,
): Promise<FetchNewsgroupsResult> {
  for (const name of ['url', 'cacheDirectory'] as const) {
    if (options[name] === undefined) continue;
    throw new InvalidParameterError(
      name,
      options[name],
      `${name} is used only for downloads, but path names an archive on ` +
        `disk; pass either path or ${name}`,
    );
  }

  const path = await findNewsgroupsArchive(options.path as string);
  if (options.sha256 === undefined) return { path, downloaded: false };
  const expected = checkSha256(options.sha256);
  const actual = await sha256OfFile(path);
  if (actual !== expected) {
    throw new InvalidDataError(
      `20 Newsgroups archive ${path} has SHA-256 ${actual}, but ${expected} ` +
        `was expected; pass the matching file or the matching sha256`,
      { path },
    );
  }
  return { path, downloaded: false };
}

async function createCacheDirectory(directory: string): Promise<void> {
  try {
    await makeDirectory(directory);
  } catch (error) {
    throw new InvalidParameterError(
      'cacheDirectory',
      directory,
      `cache folder ${directory} cannot be created ` +
        `(${(error as Error).message}); pass a writable cacheDirectory`,
      { cause: error },
    );
  }
}
