import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

import { InvalidDataError } from '@fixclust/core';
import tar from 'tar-stream';

import { fileError, formatBytes } from '../files.js';

/** One member of a tar archive, as {@link readTarGz} passes it on. */
export interface TarEntry {
  /** Path inside the archive, without a leading `./` or a trailing `/`. */
  name: string;
  /** Member type from the tar header, such as `file` or `directory`. */
  type: string;
  /** Reads the whole content of a file member. */
  read(): Promise<Buffer>;
}

/** A member as tar-stream yields it: its header and a stream of its bytes. */
type TarMember =
  tar.Extract extends AsyncIterable<infer Member> ? Member : never;

/** Step of reading where an error occurred. */
type FailedStage = 'file' | 'gzip' | 'tar';

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * tar-stream options: accept pre-POSIX (v7) headers too, whose checksum is
 * still verified. tar-stream 3.3's own type declarations omit this option.
 */
const EXTRACT_OPTIONS = { allowUnknownFormat: true } as Parameters<
  typeof tar.extract
>[0];

/**
 * Streams the members of a gzip-compressed tar file to `onEntry`, in archive
 * order, without writing anything to disk. A member whose content `onEntry`
 * does not read is skipped.
 *
 * @param kind - What the file is, for error messages, such as
 *   `20 Newsgroups archive`.
 * @throws InvalidDataError naming the file when it is missing, is not gzip,
 *   is a corrupt or truncated gzip stream, or does not contain a valid tar
 *   archive. Errors thrown by `onEntry` pass through unchanged.
 */
export async function readTarGz(
  path: string,
  kind: string,
  onEntry: (entry: TarEntry) => Promise<void> | void,
): Promise<void> {
  await checkGzipMagic(path, kind);

  // The stage that failed first decides the message, because a gzip error
  // also destroys the tar parser, which may then report an error too.
  const gunzip = createGunzip();
  const extract = tar.extract(EXTRACT_OPTIONS);
  let stage: FailedStage = 'file';
  gunzip.once('error', () => {
    stage = 'gzip';
  });
  extract.once('error', () => {
    if (stage === 'file') stage = 'tar';
  });
  const done = pipeline(createReadStream(path), gunzip, extract);
  done.catch(() => undefined);

  try {
    for await (const member of extract) {
      await onEntry(toTarEntry(member));
      member.resume();
    }
    await done;
  } catch (error) {
    if (error instanceof InvalidDataError) throw error;
    throw archiveError(error, path, kind, stage);
  }
}

function toTarEntry(member: TarMember): TarEntry {
  const name = member.header.name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return {
    name,
    type: member.header.type ?? 'unknown',
    read: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of member) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
  };
}

async function checkGzipMagic(path: string, kind: string): Promise<void> {
  const start = Buffer.alloc(2);
  let bytesRead: number;
  try {
    const handle = await open(path, 'r');
    try {
      ({ bytesRead } = await handle.read(start, 0, 2, 0));
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fileError(error, path, kind);
  }

  if (bytesRead === 2 && start[0] === 0x1f && start[1] === 0x8b) return;
  const found =
    bytesRead === 0
      ? 'is empty'
      : `starts with ${formatBytes(start.subarray(0, bytesRead))}`;
  throw new InvalidDataError(
    `${kind} ${path} is not gzip-compressed: it ${found}, but a gzip file ` +
      `starts with ${formatBytes(GZIP_MAGIC)}; pass the .tar.gz file`,
    { path },
  );
}

function archiveError(
  error: unknown,
  path: string,
  kind: string,
  stage: FailedStage,
): InvalidDataError {
  const reason = error instanceof Error ? error.message : String(error);
  let problem = `cannot be read (${reason})`;
  if (stage === 'gzip') {
    problem = `is a corrupt or truncated gzip file (${reason})`;
  }
  if (stage === 'tar') {
    problem = `does not contain a valid tar archive (${reason})`;
  }
  return new InvalidDataError(`${kind} ${path} ${problem}`, {
    cause: error,
    path,
  });
}
