// A static file server on 127.0.0.1 for the headless-Chromium checks. It
// serves a map of files held in memory or one folder, and records the
// status of every response.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** Content types by file extension; others are served as bytes. */
const CONTENT_TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

/**
 * A file the server sends: its content type and body.
 *
 * @typedef {{ contentType: string, body: string | Uint8Array }} ServedFile
 */

/**
 * A running server: its origin (`http://127.0.0.1:PORT`), one line per
 * request as `METHOD PATH STATUS` in arrival order, and `close`.
 *
 * @typedef {{
 *   origin: string,
 *   served: string[],
 *   close: () => Promise<void>,
 * }} StaticServer
 */

/**
 * Reads `path` below `directory`; returns undefined when the file is
 * missing or lies outside `directory`.
 */
function readFromDirectory(directory, path) {
  const relative = path === '/' ? 'index.html' : path;
  const file = normalize(join(directory, relative));
  if (!file.startsWith(directory + sep)) return undefined;
  try {
    const contentType =
      CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    return { contentType, body: readFileSync(file) };
  } catch {
    // A missing file or a folder gets a 404 response.
    return undefined;
  }
}

/** Decodes the path of a request URL; returns undefined when malformed. */
function requestPath(url) {
  try {
    return decodeURIComponent(new URL(url, 'http://127.0.0.1').pathname);
  } catch {
    return undefined;
  }
}

/** Picks the lookup for `files` or `directory`, exactly one of which is set. */
function fileLookup({ files, directory }) {
  if ((files === undefined) === (directory === undefined)) {
    const got = files === undefined ? 'neither' : 'both';
    throw new Error(
      `startStaticServer takes exactly one of files and directory, got ${got}`,
    );
  }
  if (files !== undefined) return (path) => files.get(path);
  const root = resolve(directory);
  return (path) => readFromDirectory(root, path);
}

/**
 * Starts an HTTP server on 127.0.0.1 at a port the operating system picks.
 * It responds to every method with the file for the request's decoded
 * path, with 404 when there is none or the path leaves `directory`, and
 * with 400 when the path is not valid percent-encoding.
 *
 * @param {{ files?: Map<string, ServedFile>, directory?: string }} source
 *   Either `files`, keyed by URL path (`/bundle.js`), or `directory`,
 *   whose `index.html` is served for `/`.
 * @returns {Promise<StaticServer>}
 * @throws {Error} When both or neither of `files` and `directory` are set.
 */
export function startStaticServer(source) {
  const lookup = fileLookup(source);
  const served = [];
  const server = createServer((request, response) => {
    const path = requestPath(request.url);
    const file = path === undefined ? undefined : lookup(path);
    let status = 200;
    if (file === undefined) status = path === undefined ? 400 : 404;
    served.push(`${request.method} ${path ?? request.url} ${status}`);
    if (file === undefined) {
      response.writeHead(status).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.contentType });
    response.end(file.body);
  });

  const close = () =>
    new Promise((resolveClose) => {
      server.closeAllConnections();
      server.close(() => resolveClose());
    });
  return new Promise((resolveStart, rejectStart) => {
    server.once('error', rejectStart);
    server.listen(0, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolveStart({ origin, served, close });
    });
  });
}
