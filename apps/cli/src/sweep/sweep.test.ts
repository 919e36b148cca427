import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { describeWithData } from '../../../../tools/test-data.js';
import type { BenchCell } from '../bench/types.js';
import { main } from '../program.js';
import { captureOutput } from '../test-output.js';
import { cellKey, readGridFile } from './grid.js';
import { readResults, resultsKey, storeResult } from './store.js';

const binary = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../bin/fixclust.js',
);

/**
 * Whether to start a Redis server from `redis-server` on the PATH. The
 * suite needs Debian's redis-server and spawns processes, so `pnpm test`
 * skips it; `.ci/redis` sets the variable and runs it.
 */
const enabled = process.env['FIXCLUST_TEST_REDIS'] === '1';
const skipReason =
  'set FIXCLUST_TEST_REDIS=1 with redis-server on the PATH; .ci/redis does';

/** Milliseconds before a lost worker's job lock expires, and check period. */
const LOCK_MS = 1000;
const STALLED_MS = 500;

/** Maximum wait for any condition polled here. */
const WAIT_MS = 90_000;

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) {
          resolvePort(address.port);
        } else reject(new Error('no port assigned'));
      });
    });
  });
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  detail: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out after ${WAIT_MS} ms waiting for ${what}${detail()}`,
  );
}

/** Starts `fixclust worker` in its own process group, logging to `log`. */
function startWorker(url: string, queue: string, models: string) {
  const child = spawn(
    process.execPath,
    [
      binary,
      'worker',
      '--redis',
      url,
      '--queue',
      queue,
      '--models',
      models,
      '--lock-duration',
      String(LOCK_MS),
      '--stalled-interval',
      String(STALLED_MS),
    ],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const log: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  return { child, log, name: `${hostname()}:${child.pid}` };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((r) => child.once('exit', () => r()));
}

if (enabled) {
  describeWithData('sweep on Redis', ['usps/usps.h5'], sweepSuite);
} else {
  describe.skip(`sweep on Redis (${skipReason})`, () => {
    it('recovers a killed worker', () => {});
  });
}

function sweepSuite(dataDirectory: string): void {
  const queueName = 'fixclust-sweep-test';
  let directory: string;
  let redisServer: ChildProcess;
  let url: string;
  let redis: Redis;
  let cells: BenchCell[];
  const workers: ReturnType<typeof startWorker>[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-sweep-'));
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redisServer = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    redis = new Redis(url, { maxRetriesPerRequest: null });
    // Connections are refused until the server listens; ping retries.
    redis.on('error', () => {});
    await waitFor('redis-server', async () =>
      (await redis.ping().catch(() => undefined)) === 'PONG' ? true : undefined,
    );
    const grid = join(directory, 'grid.yaml');
    await writeFile(
      grid,
      [
        'datasets: [usps]',
        `dataDir: ${dataDirectory}`,
        'methods: [km50, kmeans]',
        'seeds: [1, 2]',
        'backends: [wasm]',
        'limit: 500',
        'runs: 1',
        'epochs: 1',
        'nInit: 1',
        'silhouetteSample: 200',
      ].join('\n'),
    );
    cells = await readGridFile(grid);
    const output = captureOutput();
    const args = ['--grid', grid, '--redis', url, '--queue', queueName];
    const status = await main(['node', 'fixclust', 'sweep', ...args], output);
    expect(output.stderr.join('\n')).toContain('queued 4 cells as 4 jobs');
    expect(status).toBe(0);
  });

  afterAll(async () => {
    for (const { child } of workers) {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, 'SIGKILL');
      }
    }
    redis?.disconnect();
    redisServer?.kill('SIGTERM');
    if (redisServer !== undefined) await exited(redisServer);
    await rm(directory, { recursive: true, force: true });
  });

  it('recovers a killed worker', async () => {
    const queue = new Queue<BenchCell>(queueName, { connection: redis });
    const models = join(directory, 'models');
    const first = startWorker(url, queueName, models);
    workers.push(first, startWorker(url, queueName, models));
    const killedJob = await waitFor('an active job of the first worker', () =>
      queue
        .getActive()
        .then((jobs) => jobs.find((job) => job.processedBy === first.name)),
    );
    // The process group contains the worker and its cell's process.
    process.kill(-first.child.pid!, 'SIGKILL');
    await exited(first.child);

    const logs = () =>
      workers.map((w) => `\n${w.name}:\n${w.log.join('')}`).join('');
    const results = await waitFor(
      'a result for every cell',
      async () => {
        const stored = await readResults(redis, queueName);
        return stored.length >= cells.length ? stored : undefined;
      },
      logs,
    );
    const job = await queue.getJob(killedJob.id!);
    const killedKey = cellKey(killedJob.data);
    const killedResult = results.find((r) => r.key === killedKey);
    await queue.close();

    expect(job?.attemptsStarted).toBe(2);
    expect(killedResult?.attempt).toBe(2);
    expect(killedResult?.worker).not.toBe(first.name);
    const keys = results.map((result) => result.key).sort();
    expect(keys).toEqual(cells.map(cellKey).sort());
    expect(await redis.hlen(resultsKey(queueName))).toBe(cells.length);
    for (const result of results) expect(result.rows.length).toBeGreaterThan(0);
    const deep = results.filter((result) => result.cell.method === 'km50');
    expect(deep.every((result) => result.model !== null)).toBe(true);
  });

  it('keeps the first stored result', async () => {
    const [stored] = await readResults(redis, queueName);
    const again = { ...stored!, worker: 'another', attempt: 9 };
    expect(await storeResult(redis, queueName, again)).toBe(false);
    const json = await redis.hget(resultsKey(queueName), stored!.key);
    expect(JSON.parse(json!)).toEqual(stored);
  });

  it('collects the table', async () => {
    const out = join(directory, 'table');
    const output = captureOutput();
    const args = ['--collect', '--redis', url, '--queue', queueName];
    const status = await main(
      ['node', 'fixclust', 'sweep', ...args, '--out', out],
      output,
    );
    expect(output.stderr.join('\n')).toContain('of 4 cells');
    expect(status).toBe(0);
    const html = await readFile(join(out, 'benchmarks.html'), 'utf8');
    expect(html).toContain('<table');
  });
}
