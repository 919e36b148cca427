// Launches Debian's Chromium through playwright-core with a throwaway
// profile. Playwright's own browser downloads are never used.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

/** Path of Debian's `chromium` package executable. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Command-line flags for every launch. `--no-sandbox` is needed because
 * Chromium does not start its sandbox as root, nor in containers without
 * user namespaces. The pages are this repository's own files served on
 * 127.0.0.1, and the scripts' page guard aborts every other request. The
 * other flags turn off the GPU, QUIC, the first-run setup, component
 * updates, sync and the other requests Chromium makes in the background.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches headless Chromium with {@link CHROMIUM_ARGS} and a fresh
 * user-data folder under the system's temporary folder.
 *
 * @param {{ executablePath?: string }} [options] `executablePath` defaults
 *   to {@link CHROMIUM_PATH}.
 * @returns {Promise<{
 *   context: import('playwright-core').BrowserContext,
 *   close: () => Promise<void>,
 * }>} The browser context, and `close`, which closes the browser and
 *   removes the user-data folder.
 * @throws {Error} When the executable is missing or Chromium fails to
 *   start; the user-data folder is removed before the error propagates.
 */
export async function launchChromium({ executablePath = CHROMIUM_PATH } = {}) {
  if (!existsSync(executablePath)) {
    throw new Error(
      `${executablePath} is missing; install Debian's chromium package ` +
        '(apt-get install --no-install-recommends chromium)',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'fixclust-chromium-'));
  const removeProfile = () => rmSync(profile, { recursive: true, force: true });

  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  } catch (error) {
    removeProfile();
    throw error;
  }

  const close = async () => {
    try {
      await context.close();
    } finally {
      removeProfile();
    }
  };
  return { context, close };
}

/**
 * Runs `use` with a browser context from {@link launchChromium} and closes
 * the browser afterwards, also when `use` throws.
 *
 * @template T
 * @param {(context: import('playwright-core').BrowserContext) => Promise<T>}
 *   use
 * @param {{ executablePath?: string }} [options] As for
 *   {@link launchChromium}.
 * @returns {Promise<T>} What `use` returns.
 */
export async function withChromium(use, options) {
  const { context, close } = await launchChromium(options);
  try {
    return await use(context);
  } finally {
    await close();
  }
}
