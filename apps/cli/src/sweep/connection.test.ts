import { FixclustError, InvalidParameterError } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import {
  assertQueueName,
  assertRedisUrl,
  redactArguments,
  redactUrl,
  redisFailure,
} from './connection.js';

describe('assertRedisUrl', () => {
  it('accepts redis and rediss URLs', () => {
    expect(() => assertRedisUrl('redis://127.0.0.1:6379')).not.toThrow();
    expect(() => assertRedisUrl('rediss://:pw@host:6380/1')).not.toThrow();
  });

  it.each([
    'http://127.0.0.1:6379',
    'redis://127.0.0.1:notaport',
    'redis://127.0.0.1:99999',
    'redis://127.0.0.1:0',
  ])('rejects %s', (url) => {
    expect(() => assertRedisUrl(url)).toThrow(InvalidParameterError);
    expect(() => assertRedisUrl(url)).toThrow(/--redis must be a redis:\/\//);
  });

  it('hides the password of a rejected URL', () => {
    const url = 'redis://:hunter2@127.0.0.1:notaport';
    expect(() => assertRedisUrl(url)).toThrow('redis://:***@127.0.0.1');
    expect(() => assertRedisUrl(url)).not.toThrow(/hunter2/);
  });

  it('asks for percent-encoding of a password that breaks the URL', () => {
    expect(() => assertRedisUrl('redis://:pa#ss@127.0.0.1:6396')).toThrow(
      'a password with "%", "#", "/", "?" or "@" must be percent-encoded',
    );
    expect(() => assertRedisUrl('redis://:pa%ss@127.0.0.1:6396')).toThrow(
      'the password in --redis "redis://:***@127.0.0.1:6396" is not valid ' +
        'percent-encoding; write "%" as %25',
    );
    expect(() =>
      assertRedisUrl('redis://:pa%25ss@127.0.0.1:6396'),
    ).not.toThrow();
  });
});

describe('assertQueueName', () => {
  it.each(['', 'a:b'])('rejects "%s"', (name) => {
    expect(() => assertQueueName(name)).toThrow(InvalidParameterError);
    expect(() => assertQueueName(name)).toThrow(
      `--queue must be a non-empty name without ":"`,
    );
  });

  it('accepts a plain name', () => {
    expect(() => assertQueueName('fixclust-sweep')).not.toThrow();
  });
});

describe('redactUrl', () => {
  it.each([
    ['redis://:hunter2@127.0.0.1:6399', 'redis://:***@127.0.0.1:6399'],
    ['rediss://user:p@ss@host:6379/0', 'rediss://user:***@host:6379/0'],
    [
      'redis://host:6379/?password=x&db=1',
      'redis://host:6379/?password=***&db=1',
    ],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['redis://:top secret@127.0.0.1:6396', 'redis://:***@127.0.0.1:6396'],
    ['redis:/:topsecret@127.0.0.1:6396', 'redis:/:***@127.0.0.1:6396'],
    ['rediss//:topsecret@127.0.0.1:6396', 'rediss//:***@127.0.0.1:6396'],
    ['redis://secret@127.0.0.1:6396', 'redis://***@127.0.0.1:6396'],
  ])('redacts %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it('hides the Redis URLs of a command line, and nothing else', () => {
    expect(
      redactArguments([
        'sweep',
        '--collect',
        '--redis',
        'redis://:pw@h:1',
        '--out',
        'a@b',
        '--redis=redis://:pw2@h:2',
      ]),
    ).toEqual([
      'sweep',
      '--collect',
      '--redis',
      'redis://:***@h:1',
      '--out',
      'a@b',
      '--redis=redis://:***@h:2',
    ]);
  });
});

describe('redisFailure', () => {
  const url = 'redis://:hunter2@127.0.0.1:6399';

  it('matches MaxRetriesPerRequestError by name', () => {
    const error = new Error('Reached the max retries per request limit');
    error.name = 'MaxRetriesPerRequestError';
    const failure = redisFailure(error, url) as Error;
    expect(FixclustError.isInstance(failure)).toBe(true);
    expect(failure.message).toContain('cannot reach Redis at redis://:***@');
    expect(failure.message).not.toContain('hunter2');
  });

  it('names a wrong password', () => {
    const error = new Error('WRONGPASS invalid username-password pair');
    error.name = 'ReplyError';
    const failure = redisFailure(error, url) as Error;
    expect(FixclustError.isInstance(failure)).toBe(true);
    expect(failure.message).toContain('rejected the password');
    expect(failure.message).not.toContain('hunter2');
  });

  it('names a missing password', () => {
    const error = new Error('NOAUTH Authentication required.');
    const failure = redisFailure(error, 'redis://127.0.0.1:6399') as Error;
    expect(failure.message).toContain('requires a password');
  });

  it('hints at TLS for rediss', () => {
    const error = Object.assign(new Error('connect ETIMEDOUT'), {
      code: 'ETIMEDOUT',
    });
    const failure = redisFailure(error, 'rediss://127.0.0.1:6379') as Error;
    expect(failure.message).toContain('use redis:// for a server without TLS');
  });

  it('passes other errors through', () => {
    const error = new TypeError('something else');
    expect(redisFailure(error, url)).toBe(error);
  });
});
