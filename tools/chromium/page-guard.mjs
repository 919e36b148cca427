// Keeps the pages of a browser context on one local server and collects
// what counts against them: requests elsewhere, responses other than 200,
// console errors, uncaught page errors and failed requests.

/**
 * Requests that a guard collected, and the failures it found in them.
 *
 * @typedef {object} PageGuard
 * @property {string[]} routed URLs the route handler saw, in order, both
 *   the ones it let through and the ones it aborted.
 * @property {string[]} requested URLs of the context's `request` events.
 * @property {string[]} messages Every console message as `TYPE: TEXT`.
 * @property {string[]} problems Console messages of the failing types,
 *   uncaught page errors and failed requests to allowed URLs.
 * @property {() => string[]} failures Returns one message per failed
 *   condition: each problem, the URLs outside the allowed ones, and the
 *   server's responses other than 200. Empty when the page passed.
 */

/**
 * Routes every request of `context` through a guard. A request is sent
 * only when `allowUrl` accepts its URL; any other is recorded and aborted
 * before it leaves the browser. Attach the guard before opening a page.
 *
 * @param {import('playwright-core').BrowserContext} context
 * @param {{
 *   server: { origin: string, served: string[] },
 *   allowUrl?: (url: string) => boolean,
 *   failingConsoleTypes?: string[],
 * }} options `server` is the static server whose responses are checked.
 *   `allowUrl` defaults to accepting URLs under `server.origin`.
 *   `failingConsoleTypes` lists the console message types that fail the
 *   check (ConsoleMessage.type(): `error`, `warning`, ...); default
 *   `['error']`.
 * @returns {Promise<PageGuard>}
 */
export async function guardContext(context, options) {
  const { server, failingConsoleTypes = ['error'] } = options;
  const allowUrl =
    options.allowUrl ?? ((url) => url.startsWith(`${server.origin}/`));
  const guard = {
    routed: [],
    requested: [],
    messages: [],
    problems: [],
    failures: () => guardFailures(guard, allowUrl, server),
  };

  await context.route('**/*', (route) => {
    const url = route.request().url();
    guard.routed.push(url);
    return allowUrl(url) ? route.continue() : route.abort();
  });
  context.on('request', (request) => guard.requested.push(request.url()));
  context.on('console', (message) => {
    const line = `${message.type()}: ${message.text()}`;
    guard.messages.push(line);
    if (failingConsoleTypes.includes(message.type())) {
      guard.problems.push(`console ${line}`);
    }
  });
  context.on('weberror', (webError) =>
    guard.problems.push(`page error: ${webError.error()}`),
  );
  context.on('requestfailed', (request) => {
    // An aborted request outside allowUrl is reported with the others.
    if (!allowUrl(request.url())) return;
    const reason = request.failure()?.errorText ?? 'unknown reason';
    guard.problems.push(`request failed: ${request.url()} (${reason})`);
  });
  return guard;
}

function guardFailures(guard, allowUrl, server) {
  const failures = [...guard.problems];
  const urls = [...new Set([...guard.routed, ...guard.requested])];
  const foreign = urls.filter((url) => !allowUrl(url));
  if (foreign.length > 0) {
    failures.push(`the page requested URLs not allowed: ${foreign.join(', ')}`);
  }
  const errorResponses = server.served.filter((line) => !line.endsWith(' 200'));
  if (errorResponses.length > 0) {
    failures.push(
      `the server responded with a status other than 200: ` +
        errorResponses.join('; '),
    );
  }
  return failures;
}
