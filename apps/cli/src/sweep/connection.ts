import { FixclustError, InvalidParameterError } from '@fixclust/core';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * Opens a Redis connection for BullMQ. `persistent` connections (the
 * worker's) retry forever, as BullMQ's workers require; the others give
 * up after about 5 seconds, so a wrong URL fails the command.
 *
 * @throws InvalidParameterError when `url` is not a `redis://` or
 * `rediss://` URL with a valid port.
 */
export function connectRedis(url: string, persistent: boolean): Redis {
  assertRedisUrl(url);
  const options: RedisOptions = persistent
    ? { maxRetriesPerRequest: null }
    : {
        maxRetriesPerRequest: 1,
        connectTimeout: 5000,
        retryStrategy: (times) => (times > 5 ? null : 1000),
      };
  const redis = new Redis(url, options);
  // Without a listener ioredis prints every failed connection attempt with
  // its stack; the commands report the failure themselves.
  redis.on('error', () => {});
  return redis;
}

/**
 * Checks that `url` is a `redis://` or `rediss://` URL that parses, so a
 * port such as `notaport` or `99999` fails before ioredis reads it.
 *
 * @throws InvalidParameterError naming `--redis` and the URL, with its
 * password hidden.
 */
export function assertRedisUrl(url: string): void {
  const redactedUrl = redactUrl(url);
  const rule =
    '--redis must be a redis:// or rediss:// URL with a port from 1 to ' +
    `65535, such as redis://127.0.0.1:6379, got "${redactedUrl}"`;
  const valid =
    /^rediss?:\/\//.test(url) && URL.canParse(url) && new URL(url).port !== '0';
  if (!valid) {
    const hint = url.includes('@')
      ? '; a password with "%", "#", "/", "?" or "@" must be ' +
        'percent-encoded, as in %25 for "%"'
      : '';
    throw new InvalidParameterError('--redis', redactedUrl, rule + hint);
  }
  try {
    // ioredis decodes the user part, which throws on a lone "%".
    decodeURIComponent(new URL(url).password);
  } catch {
    throw new InvalidParameterError(
      '--redis',
      redactedUrl,
      `the password in --redis "${redactedUrl}" is not valid ` +
        'percent-encoding; write "%" as %25',
    );
  }
}

/**
 * Checks a BullMQ queue name: BullMQ rejects an empty name and a name
 * with `:`, the separator of its Redis keys (`bull:NAME:…`).
 *
 * @throws InvalidParameterError naming `--queue`, the rule and the name.
 */
export function assertQueueName(name: string): void {
  if (name !== '' && !name.includes(':')) return;
  throw new InvalidParameterError(
    '--queue',
    name,
    `--queue must be a non-empty name without ":", because BullMQ uses ":" ` +
      `to separate the parts of its Redis keys; got "${name}"`,
  );
}

/**
 * Returns the Redis URL `url` with its password replaced by `***`, for
 * messages and logs. The password is what lies between the first `:` of
 * the user part and the last `@`, so a password with spaces or `@` is
 * hidden whole, and so is one in a malformed URL such as `redis:/:pw@h`.
 * A `password` query parameter is hidden too.
 */
export function redactUrl(url: string): string {
  let redacted = url;
  const at = url.lastIndexOf('@');
  if (at >= 0) {
    const slashes = url.indexOf('//');
    const user =
      slashes >= 0 && slashes < at ? slashes + 2 : url.indexOf(':') + 1;
    const colon = url.indexOf(':', user);
    // Without a ":" the whole user part may be a password.
    const from = colon >= 0 && colon < at ? colon + 1 : user;
    redacted = `${url.slice(0, from)}***${url.slice(at)}`;
  }
  return redacted.replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/**
 * Returns command-line arguments with the password of each Redis URL
 * hidden: the value after `--redis`, or of `--redis=URL`.
 */
export function redactArguments(args: readonly string[]): string[] {
  return args.map((arg, index) => {
    if (arg.startsWith('--redis=')) return `--redis=${redactUrl(arg.slice(8))}`;
    return args[index - 1] === '--redis' ? redactUrl(arg) : arg;
  });
}

/**
 * Tells whether `error` is Redis rejecting the connection's credentials:
 * a wrong password (`WRONGPASS`) or none where one is required
 * (`NOAUTH`).
 */
export function isAuthFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /^(WRONGPASS|NOAUTH)\b|^ERR invalid password/.test(error.message);
}

/**
 * Rewrites a failed Redis connection or a rejected password as a one-line
 * error that names the URL, with its password hidden; other errors pass
 * through.
 */
export function redisFailure(error: unknown, url: string): unknown {
  if (isAuthFailure(error)) return authFailure(error as Error, url);
  if (!isConnectionFailure(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const tlsHint = url.startsWith('rediss://')
    ? '; rediss:// connects with TLS, so use redis:// for a server ' +
      'without TLS'
    : '';
  return new FixclustError(
    `cannot reach Redis at ${redactUrl(url)} (${message}); start the ` +
      `server or check --redis${tlsHint}`,
    { cause: error },
  );
}

/** Describes a rejected password as one line that names the URL. */
export function authFailure(error: Error, url: string): FixclustError {
  const problem = error.message.startsWith('NOAUTH')
    ? 'requires a password and --redis has none (NOAUTH)'
    : 'rejected the password of --redis (WRONGPASS)';
  return new FixclustError(
    `Redis at ${redactUrl(url)} ${problem}; put the server's password in ` +
      '--redis, as in redis://:PASSWORD@host:6379',
    { cause: error },
  );
}

function isConnectionFailure(error: unknown): boolean {
  const { code, name } = error as { code?: unknown; name?: unknown };
  const message = error instanceof Error ? error.message : String(error);
  return (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'ETIMEDOUT' ||
    name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|connect ECONNREFUSED|connect ETIMEDOUT/.test(message)
  );
}
