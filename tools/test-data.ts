import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, it } from 'vitest';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Folder of the real data sets for tests: `FIXCLUST_DATA` when set, otherwise
 * `../shared/data` beside the repository.
 */
export const dataDirectory = resolve(
  process.env['FIXCLUST_DATA'] ?? resolve(repositoryRoot, '../shared/data'),
);

/** Whether tests run in CI, where missing data is a failure. */
const inCi = process.env['CI'] === 'true';

/**
 * Declares a suite that needs files under the data folder.
 *
 * When the files are present the suite runs with their folder. When they are
 * missing, the suite is skipped on a developer machine but fails under
 * `CI=true`, so CI never passes without having read the real data.
 */
export function describeWithData(
  name: string,
  requiredFiles: readonly string[],
  body: (directory: string) => void,
): void {
  const missing = requiredFiles.filter(
    (file) => !existsSync(resolve(dataDirectory, file)),
  );
  if (missing.length === 0) {
    describe(name, () => body(dataDirectory));
    return;
  }
  const reason =
    `missing under ${dataDirectory}: ${missing.join(', ')}; ` +
    `set FIXCLUST_DATA to the folder holding the data files`;
  if (inCi) {
    describe(name, () => {
      it('has its data files', () => {
        throw new Error(reason);
      });
    });
  } else {
    describe.skip(`${name} (${reason})`, () => body(dataDirectory));
  }
}
