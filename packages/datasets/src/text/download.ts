import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';

import { FixclustError, InvalidParameterError } from '@fixclust/core';

/** Bytes received so far by a download, for progress display. */
export interface DownloadProgress {
  receivedBytes: number;
  /** Size announced by the server, or `undefined` when it sent none. */
  totalBytes: number | undefined;
}

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  /** `http:` or `https:` address of the file. */
  url: string;
  /** Path of the file, written only once complete and verified. */
  destination: string;
  /** Expected SHA-256 of the file, 64 hexadecimal digits. */
  sha256: string;
  /** Called once the response headers arrive, then after every chunk. */
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** Aborts the download; the partial file is removed. */
  signal?: AbortSignal | undefined;
}

/**
 * A download failed: the server could not be reached, responded with an
 * error status, closed the connection early, or sent bytes whose checksum
 * is not the expected one.
 */
export class DownloadError extends FixclustError {
  /** Address of the file. */
  readonly url: string;

  constructor(url: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DownloadError';
    this.url = url;
  }
}

/**
 * Returns the folder for downloaded files: `$XDG_CACHE_HOME/fixclust` when
 * `XDG_CACHE_HOME` is an absolute path, otherwise
 * `%LOCALAPPDATA%\fixclust\Cache` on Windows, `~/Library/Caches/fixclust`
 * on macOS and `~/.cache/fixclust` elsewhere.
 */
export function defaultCacheDirectory(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'fixclust');
  const localAppData = process.env['LOCALAPPDATA'];
  if (process.platform === 'win32' && localAppData !== undefined) {
    return join(localAppData, 'fixclust', 'Cache');
  }
  if (process.platform === 'darwin') {
    return join(homedir(), 'Library', 'Caches', 'fixclust');
  }
  return join(homedir(), '.cache', 'fixclust');
}

/**
 * Downloads a file with `fetch` and verifies its SHA-256 checksum.
 *
 * The bytes go to a temporary file beside `destination`, which is renamed
 * to `destination` only after the whole file has arrived and its checksum
 * matches. On any failure the temporary file is removed, so `destination`
 * is either absent, left as it was, or complete. The folder of
 * `destination` must exist.
 *
 * @throws InvalidParameterError when `url` is not an http or https address
 *   or `sha256` is not 64 hexadecimal digits.
 * @throws DownloadError when the request fails, the server responds with an
 *   error status, the response ends before its announced length, or the
 *   checksum differs.
 */
export async function downloadFile(options: DownloadOptions): Promise<void> {
  const { url, destination } = options;
  const expected = checkSha256(options.sha256);
  checkUrl(url);
  const temporary = join(
    dirname(destination),
    `.${basename(destination)}.${randomUUID()}.part`,
  );

  try {
    const response = await request(url, options.signal);
    const actual = await writeBody(response, temporary, url, options);
    if (actual !== expected) {
      throw new DownloadError(
        url,
        `download of ${url} has SHA-256 ${actual}, but ${expected} was ` +
          `expected; the file was discarded. Retry, or pass the correct ` +
          `sha256 when the file at that address changed`,
      );
    }
    await rename(temporary, destination);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** Returns the SHA-256 of a file's content as lowercase hexadecimal. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * Checks that `sha256` is 64 hexadecimal digits, and returns it in lower
 * case.
 *
 * @throws InvalidParameterError otherwise.
 */
export function checkSha256(sha256: string): string {
  if (typeof sha256 === 'string' && /^[0-9a-fA-F]{64}$/.test(sha256)) {
    return sha256.toLowerCase();
  }
  throw new InvalidParameterError(
    'sha256',
    sha256,
    `sha256 must be 64 hexadecimal digits, got ${String(sha256)}`,
  );
}

/**
 * Checks that `url` is an http or https address.
 *
 * @throws InvalidParameterError otherwise.
 */
export function checkUrl(url: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol === 'http:' || protocol === 'https:') return;
  throw new InvalidParameterError(
    'url',
    url,
    `url must be an http or https address, got ${String(url)}`,
  );
}

async function request(
  url: string,
  signal: AbortSignal | undefined,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal: signal ?? null });
  } catch (error) {
    throw new DownloadError(
      url,
      `download of ${url} failed: ${describeFetchError(error)}`,
      { cause: error },
    );
  }
  if (response.ok && response.body !== null) return response;

  await response.body?.cancel();
  throw new DownloadError(
    url,
    `download of ${url} failed: the server responded with HTTP status ` +
      `${response.status} ${response.statusText}`.trimEnd(),
  );
}

/**
 * Writes the response body to `path` and returns its SHA-256.
 *
 * @throws DownloadError when the body ends early or the connection breaks.
 */
async function writeBody(
  response: Response,
  path: string,
  url: string,
  options: DownloadOptions,
): Promise<string> {
  const totalBytes = announcedLength(response);
  const hash = createHash('sha256');
  let receivedBytes = 0;
  options.onProgress?.({ receivedBytes, totalBytes });

  const file = await open(path, 'wx');
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      await file.write(chunk);
      hash.update(chunk);
      receivedBytes += chunk.byteLength;
      options.onProgress?.({ receivedBytes, totalBytes });
    }
  } catch (error) {
    throw new DownloadError(
      url,
      `download of ${url} failed after ${formatSize(receivedBytes, totalBytes)}: ` +
        `${describeFetchError(error)}`,
      { cause: error },
    );
  } finally {
    await file.close();
  }

  if (totalBytes !== undefined && receivedBytes !== totalBytes) {
    throw new DownloadError(
      url,
      `download of ${url} is truncated: the server closed the connection ` +
        `after ${formatSize(receivedBytes, totalBytes)}; retry the download`,
    );
  }
  return hash.digest('hex');
}

/**
 * Returns the `content-length` of an uncompressed response, or `undefined`
 * when it is missing or counts compressed bytes (`fetch` decompresses a
 * `content-encoding` such as gzip, so the counts would differ).
 */
function announcedLength(response: Response): number | undefined {
  const encoding = response.headers.get('content-encoding');
  if (encoding !== null && encoding !== 'identity') return undefined;
  const length = Number(response.headers.get('content-length') ?? NaN);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

function formatSize(receivedBytes: number, totalBytes: number | undefined) {
  const total = totalBytes === undefined ? '' : ` of ${totalBytes}`;
  return `${receivedBytes}${total} bytes`;
}

/** Formats a `fetch` failure with its cause, such as `ECONNREFUSED`. */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) return `${error.message} (${cause.message})`;
  return error.message;
}
