import { InvalidDataError } from '@fixclust/core';

import { assertPath } from '../arguments.js';
import {
  storedSplits,
  type DatasetSplit,
  type StoredSplit,
} from '../digits.js';
import { readTarGz, type TarEntry } from './tar-entries.js';
import { compareCodePoints } from './tokenize.js';

/** The 20 newsgroups in alphabetical order; label i is group i. */
export const NEWSGROUPS = [
  'alt.atheism',
  'comp.graphics',
  'comp.os.ms-windows.misc',
  'comp.sys.ibm.pc.hardware',
  'comp.sys.mac.hardware',
  'comp.windows.x',
  'misc.forsale',
  'rec.autos',
  'rec.motorcycles',
  'rec.sport.baseball',
  'rec.sport.hockey',
  'sci.crypt',
  'sci.electronics',
  'sci.med',
  'sci.space',
  'soc.religion.christian',
  'talk.politics.guns',
  'talk.politics.mideast',
  'talk.politics.misc',
  'talk.religion.misc',
] as const;

/** Name of one of the {@link NEWSGROUPS}. */
export type Newsgroup = (typeof NEWSGROUPS)[number];

/** Top-level folder of each part in `20news-bydate.tar.gz`. */
export const NEWSGROUPS_SPLIT_FOLDERS = {
  train: '20news-bydate-train',
  test: '20news-bydate-test',
} as const;

/** The documents of the 20 Newsgroups "bydate" archive, in load order. */
export interface NewsgroupsDocuments {
  /** Text of each document, decoded as latin-1, headers included. */
  documents: string[];
  /** Group of each document: an index into {@link NEWSGROUPS}. */
  labels: Int32Array;
  /** Path of each document in the archive, such as `20news-bydate-train/sci.med/58043`. */
  paths: string[];
  /** Number of training documents: rows 0 … nTrain - 1. */
  nTrain: number;
  /** Number of test documents, which follow the training documents. */
  nTest: number;
}

const KIND = '20 Newsgroups archive';
const LAYOUT =
  `it must contain the folders ${NEWSGROUPS_SPLIT_FOLDERS.train}/ and ` +
  `${NEWSGROUPS_SPLIT_FOLDERS.test}/, each with one folder per newsgroup ` +
  `that contains one file per document`;

/** One document file found in the archive. */
interface DocumentFile {
  split: StoredSplit;
  label: number;
  name: string;
  text: string;
}

/**
 * Reads the documents of the 20 Newsgroups "bydate" archive
 * (`20news-bydate.tar.gz`) as a stream, without unpacking it to disk.
 *
 * The archive contains `20news-bydate-train/<group>/<id>` and
 * `20news-bydate-test/<group>/<id>`. Documents come in the order
 * scikit-learn's `fetch_20newsgroups(shuffle=False)` returns them: training
 * documents first, then test documents. Within a part, the groups are in
 * alphabetical order, and within a group the files are sorted by name as
 * strings (so `104541` comes before `53592`). Each file's bytes are decoded
 * as latin-1, which maps every byte to one character, and headers are kept.
 *
 * @param split - Part to read: `train` (11,314 documents in the official
 *   archive), `test` (7,532) or `all` (both). Default: `all`.
 * @throws InvalidDataError naming the file and what is wrong: not found, not
 *   gzip, not a tar archive, an entry outside the layout above, an unknown
 *   or missing group, a group without documents, or a duplicate file.
 * @throws InvalidParameterError when `path` is not a string, or `split` is
 *   not `all`, `train` or `test`.
 */
export async function readNewsgroupsArchive(
  path: string,
  split: DatasetSplit = 'all',
): Promise<NewsgroupsDocuments> {
  assertPath('path', path);
  const parts = storedSplits(split);
  const files: DocumentFile[] = [];
  const seen = new Set<string>();
  const foldersFound = new Set<string>();

  await readTarGz(path, KIND, async (entry) => {
    const file = classifyEntry(entry, path);
    foldersFound.add(entry.name.split('/')[0] as string);
    if (file === undefined || !parts.includes(file.split)) return;
    if (seen.has(entry.name)) {
      throw layoutError(path, `contains ${entry.name} twice`);
    }
    seen.add(entry.name);
    files.push({ ...file, text: (await entry.read()).toString('latin1') });
  });

  checkGroups(files, parts, foldersFound, path);
  return assembleDocuments(files);
}

/**
 * Checks that `entry` fits the layout, and returns where a document file
 * belongs, or `undefined` for a folder.
 */
function classifyEntry(
  entry: TarEntry,
  path: string,
): Omit<DocumentFile, 'text'> | undefined {
  const parts = entry.name.split('/');
  const split = splitOfFolder(parts[0]);
  if (split === undefined) {
    throw layoutError(
      path,
      `contains ${entry.name}, which is outside the two part folders`,
    );
  }
  if (parts.length >= 2) groupLabel(parts[1], entry.name, path);
  if (entry.type === 'directory') {
    if (parts.length <= 2) return undefined;
    throw layoutError(
      path,
      `contains the folder ${entry.name}, but group folders contain only files`,
    );
  }

  if (entry.type !== 'file' && entry.type !== 'contiguous-file') {
    throw layoutError(
      path,
      `contains ${entry.name} of type ${entry.type}, but only folders and ` +
        `plain files are allowed`,
    );
  }
  if (parts.length !== 3) {
    throw layoutError(
      path,
      `contains the file ${entry.name}, which is not of the form ` +
        `<part folder>/<group>/<document>`,
    );
  }
  const label = groupLabel(parts[1], entry.name, path);
  return { split, label, name: parts[2] as string };
}

function splitOfFolder(folder: string | undefined): StoredSplit | undefined {
  if (folder === NEWSGROUPS_SPLIT_FOLDERS.train) return 'train';
  if (folder === NEWSGROUPS_SPLIT_FOLDERS.test) return 'test';
  return undefined;
}

function groupLabel(
  group: string | undefined,
  entryName: string,
  path: string,
): number {
  const label = (NEWSGROUPS as readonly string[]).indexOf(group ?? '');
  if (label >= 0) return label;
  throw layoutError(
    path,
    `contains ${entryName} in the folder ${group}, which is not one of the ` +
      `20 newsgroups (${NEWSGROUPS.join(', ')})`,
  );
}

/**
 * Checks that the folder of every requested part is present, with at least
 * one document per group.
 */
function checkGroups(
  files: readonly DocumentFile[],
  parts: readonly StoredSplit[],
  foldersFound: ReadonlySet<string>,
  path: string,
): void {
  for (const split of parts) {
    const folder = NEWSGROUPS_SPLIT_FOLDERS[split];
    if (!foldersFound.has(folder)) {
      throw layoutError(path, `has no folder ${folder}/`);
    }
    const counts = new Array<number>(NEWSGROUPS.length).fill(0);
    for (const file of files) {
      if (file.split === split) counts[file.label]! += 1;
    }
    if (counts.every((count) => count === 0)) {
      throw layoutError(path, `has no documents in ${folder}/`);
    }
    const empty = NEWSGROUPS.filter((_, label) => counts[label] === 0);
    if (empty.length > 0) {
      throw layoutError(
        path,
        `has no documents in ${empty.map((group) => `${folder}/${group}/`).join(', ')}`,
      );
    }
  }
}

/** Sorts the files into load order and collects their texts and labels. */
function assembleDocuments(files: DocumentFile[]): NewsgroupsDocuments {
  const splitRank = (split: StoredSplit): number => (split === 'train' ? 0 : 1);
  files.sort(
    (a, b) =>
      splitRank(a.split) - splitRank(b.split) ||
      a.label - b.label ||
      compareCodePoints(a.name, b.name),
  );

  const paths = files.map(
    (file) =>
      `${NEWSGROUPS_SPLIT_FOLDERS[file.split]}/${NEWSGROUPS[file.label]}/${file.name}`,
  );
  const nTrain = files.filter((file) => file.split === 'train').length;
  return {
    documents: files.map((file) => file.text),
    labels: Int32Array.from(files, (file) => file.label),
    paths,
    nTrain,
    nTest: files.length - nTrain,
  };
}

function layoutError(path: string, problem: string): InvalidDataError {
  return new InvalidDataError(`${KIND} ${path} ${problem}; ${LAYOUT}`, {
    path,
  });
}
