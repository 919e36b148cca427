import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it, vi } from 'vitest';

import { wasmBackend } from './index.js';

const emptyDirectory = mkdtempSync(join(tmpdir(), 'fixclust-wasm-'));

afterAll(() => rmSync(emptyDirectory, { recursive: true, force: true }));

describe('wasmPaths', () => {
  it('names the folder when the .wasm files cannot be loaded', async () => {
    // tfjs's Emscripten loader also reports the missing file on the console.
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await expect(
        wasmBackend({ wasmPaths: `${emptyDirectory}/` }).initialise(),
      ).rejects.toThrow(`can be loaded from ${emptyDirectory}/`);
    } finally {
      error.mockRestore();
      warn.mockRestore();
    }
  });
});
