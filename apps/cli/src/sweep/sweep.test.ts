import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { describeWithData } from '../../../../tools/test-data.js';
import type { BenchCell } from '../bench/types.js';
import { main } from '../program.js';
import { captureOutput } from '../test-output.js';
import { isRunning, waitFor } from '../test-processes.js';
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

/**
 * Returns a loopback port that the system reports free, other than
 * `excluded` (ports already given to this suite's servers).
 */
async function freePort(excluded: readonly number[] = []): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolvePort, reject) => {
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
    if (!excluded.includes(port)) return port;
  }
}

/** Starts redis-server on loopback without persistence. */
function startRedisServer(port: number, extra: string[] = []): ChildProcess {
  const args = ['--port', String(port), '--bind', '127.0.0.1'];
  args.push('--save', '', '--appendonly', 'no', ...extra);
  return spawn('redis-server', args, { stdio: 'ignore' });
}

/**
 * Starts `fixclust worker` in its own process group, as a terminal starts
 * a command, logging to `log`.
 */
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

type StartedWorker = ReturnType<typeof startWorker>;

/** Waits for the process id of the cell that `worker` runs for `jobId`. */
function cellProcess(worker: StartedWorker, jobId: string): Promise<number> {
  const pattern = new RegExp(`job ${jobId} .*: started in process (\\d+)`);
  return waitFor(`the cell process of job ${jobId}`, async () => {
    const match = pattern.exec(worker.log.join(''));
    return match === null ? undefined : Number(match[1]);
  });
}

/** Runs the CLI in this process and returns its status and stderr. */
async function fixclust(...args: string[]) {
  const output = captureOutput();
  const status = await main(['node', 'fixclust', ...args], output);
  return { status, stderr: output.stderr.join('\n') };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode);
  }
  return new Promise((r) => child.once('exit', (code) => r(code)));
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
  let port: number;
  let url: string;
  let redis: Redis;
  let cells: BenchCell[];
  const workers: StartedWorker[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-sweep-'));
    port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redisServer = startRedisServer(port);
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
    expect(output.stderr.join('\n')).toContain(
      'queued 4 cells on fixclust-sweep-test: 4 new, 0 failed cells queued ' +
        'again, 0 already queued, running or done',
    );
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
    const cell = await cellProcess(first, killedJob.id!);
    // Only the worker: its cell runs in a process group of its own.
    process.kill(first.child.pid!, 'SIGKILL');
    await exited(first.child);
    await waitFor("the end of the killed worker's cell", async () =>
      (await isRunning(cell)) ? undefined : true,
    );

    const logs = () =>
      workers.map((w) => `\n${w.name}:\n${w.log.join('')}`).join('');
    const results = await waitFor(
      'a result for every cell',
      async () => {
        const stored = await readResults(redis, queueName);
        return stored.length >= cells.length ? stored : undefined;
      },
      { detail: logs },
    );
    const job = await queue.getJob(killedJob.id!);
    const killedKey = cellKey(killedJob.data);
    const killedResult = results.find((r) => r.key === killedKey);
    await queue.close();

    expect(job?.attemptsStarted).toBe(2);
    expect(killedResult?.attempt).toBe(2);
    expect(killedResult?.worker).not.toBe(first.name);
    expect(first.log.join('')).toContain(`takes jobs from ${queueName}`);
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

  /** Writes a grid of one USPS cell per seed and returns its path. */
  async function writeGrid(
    file: string,
    seeds: number[],
    settings: string[],
  ): Promise<string> {
    const path = join(directory, file);
    const lines = [
      'datasets: [usps]',
      `dataDir: ${dataDirectory}`,
      `seeds: [${seeds.join(', ')}]`,
      'backends: [wasm]',
      'nInit: 1',
      'silhouetteSample: 200',
      ...settings,
    ];
    await writeFile(path, lines.join('\n'));
    return path;
  }

  /** Queues `grid` on `queue` and returns the message of sweep. */
  async function queueGrid(grid: string, queue: string, ...extra: string[]) {
    const args = ['--grid', grid, '--redis', url, '--queue', queue];
    const { status, stderr } = await fixclust('sweep', ...args, ...extra);
    expect(status).toBe(0);
    return stderr;
  }

  it('queues a failed cell again with new settings', async () => {
    const name = 'fixclust-sweep-retry';
    const grid = await writeGrid('retry.yaml', [1], ['methods: [kmeans]']);
    await queueGrid(grid, name, '--attempts', '2', '--backoff', '0');
    const [cell] = await readGridFile(grid);
    const key = cellKey(cell!);
    const failing = new Worker(
      name,
      async () => {
        throw new Error('cell failed on purpose');
      },
      { connection: redis },
    );
    const queue = new Queue<BenchCell>(name, { connection: redis });
    try {
      await waitFor('the failed job', async () =>
        (await queue.getJobState(key)) === 'failed' ? true : undefined,
      );
      await failing.close();
      expect((await queue.getJob(key))?.attemptsMade).toBe(2);

      const message = await queueGrid(
        grid,
        name,
        '--attempts',
        '4',
        '--backoff',
        '500',
      );
      expect(message).toContain(
        '0 new, 1 failed cell queued again, 0 already queued',
      );
      expect(await queue.getJobState(key)).toBe('waiting');
      const requeued = await queue.getJob(key);
      expect(requeued?.attemptsMade).toBe(0);
      expect(requeued?.opts.attempts).toBe(4);
      expect(requeued?.opts.backoff).toEqual({
        type: 'exponential',
        delay: 500,
      });
      const again = await queueGrid(grid, name);
      expect(again).toContain(
        '0 new, 0 failed cells queued again, 1 already queued',
      );
    } finally {
      await failing.close();
      await queue.close();
    }
  });

  it('queues jobs with a backoff', async () => {
    const name = 'fixclust-sweep-backoff';
    const grid = await writeGrid('backoff.yaml', [1], ['methods: [kmeans]']);
    await queueGrid(grid, name);
    const [cell] = await readGridFile(grid);
    const queue = new Queue<BenchCell>(name, { connection: redis });
    const job = await queue.getJob(cellKey(cell!));
    await queue.close();
    expect(job?.opts.attempts).toBe(3);
    expect(job?.opts.backoff).toEqual({ type: 'exponential', delay: 10_000 });
  });

  describe('signals', () => {
    /** Settings of a cell that runs for a few seconds. */
    const slowCell = ['methods: [km50]', 'runs: 5', 'epochs: 10'];

    async function startCell(name: string, seed: number) {
      const grid = await writeGrid(`${name}.yaml`, [seed], slowCell);
      await queueGrid(grid, name);
      const [cell] = await readGridFile(grid);
      const key = cellKey(cell!);
      const worker = startWorker(url, name, join(directory, name));
      workers.push(worker);
      const pid = await cellProcess(worker, key);
      return { worker, key, pid };
    }

    it('ends the cell of a killed worker', async () => {
      const name = 'fixclust-sweep-killed';
      const { worker, key, pid } = await startCell(name, 3);
      process.kill(worker.child.pid!, 'SIGKILL');
      await exited(worker.child);
      await waitFor('the end of the cell process', async () =>
        (await isRunning(pid)) ? undefined : true,
      );
      // A cell that ran to its end would have saved its model there.
      const model = join(directory, name, key);
      await expect(readdir(model)).rejects.toThrow(/ENOENT/);
    });

    it('finishes the job on Ctrl-C', async () => {
      const name = 'fixclust-sweep-ctrl-c';
      const { worker, key } = await startCell(name, 1);
      // A terminal's Ctrl-C sends SIGINT to the whole process group.
      process.kill(-worker.child.pid!, 'SIGINT');
      const status = await exited(worker.child);

      const queue = new Queue<BenchCell>(name, { connection: redis });
      const state = await queue.getJobState(key);
      await queue.close();
      const log = worker.log.join('');
      expect(status, log).toBe(0);
      expect(state, log).toBe('completed');
      expect(await redis.hexists(resultsKey(name), key)).toBe(1);
      expect(log).toContain('stopping after its current jobs');
    });

    it('stops at once on a second SIGINT', async () => {
      const name = 'fixclust-sweep-second-signal';
      const { worker, key, pid } = await startCell(name, 2);
      process.kill(worker.child.pid!, 'SIGINT');
      await waitFor('the first stop message', async () =>
        worker.log.join('').includes('stopping after') ? true : undefined,
      );
      process.kill(worker.child.pid!, 'SIGINT');
      const status = await exited(worker.child);

      const log = worker.log.join('');
      expect(status, log).toBe(130);
      expect(log).toContain(`job ${key} goes back to the queue`);
      expect(await redis.hexists(resultsKey(name), key)).toBe(0);
      await waitFor('the end of the cell process', async () =>
        (await isRunning(pid)) ? undefined : true,
      );
    });
  });

  describe('with a password', () => {
    let protectedServer: ChildProcess;
    let protectedPort: number;

    beforeAll(async () => {
      protectedPort = await freePort([port]);
      protectedServer = startRedisServer(protectedPort, [
        '--requirepass',
        'hunter2',
      ]);
      const client = new Redis(`redis://:hunter2@127.0.0.1:${protectedPort}`, {
        maxRetriesPerRequest: null,
      });
      client.on('error', () => {});
      await waitFor('the protected redis-server', async () =>
        (await client.ping().catch(() => undefined)) === 'PONG'
          ? true
          : undefined,
      );
      client.disconnect();
    });

    afterAll(async () => {
      protectedServer?.kill('SIGTERM');
      if (protectedServer !== undefined) await exited(protectedServer);
    });

    it('names a wrong password in one line', async () => {
      const wrong = `redis://:wrongpass@127.0.0.1:${protectedPort}`;
      const { status, stderr } = await fixclust(
        'sweep',
        '--collect',
        '--redis',
        wrong,
        '--out',
        join(directory, 'unused'),
      );
      expect(status).toBe(1);
      expect(stderr).toBe(
        `fixclust: Redis at redis://:***@127.0.0.1:${protectedPort} ` +
          'rejected the password of --redis (WRONGPASS); put the ' +
          "server's password in --redis, as in redis://:PASSWORD@host:6379",
      );
    });

    it('names a missing password', async () => {
      const { status, stderr } = await fixclust(
        'sweep',
        '--collect',
        '--redis',
        `redis://127.0.0.1:${protectedPort}`,
        '--out',
        join(directory, 'unused'),
      );
      expect(status).toBe(1);
      expect(stderr).toContain('requires a password and --redis has none');
    });

    it('stops a worker on a wrong password', async () => {
      const wrong = `redis://:wrongpass@127.0.0.1:${protectedPort}`;
      const worker = startWorker(wrong, 'any', join(directory, 'models'));
      workers.push(worker);
      const status = await exited(worker.child);
      const log = worker.log.join('');
      expect(status, log).toBe(1);
      expect(log).toContain('rejected the password of --redis (WRONGPASS)');
      expect(log).not.toContain('wrongpass');
      expect(log).not.toContain('takes jobs');
    });
  });

  it('rejects collecting an unused queue', async () => {
    const { status, stderr } = await fixclust(
      'sweep',
      '--collect',
      '--redis',
      url,
      '--queue',
      'neverused',
      '--out',
      join(directory, 'neverused'),
    );
    expect(status).toBe(2);
    expect(stderr).toContain('queue "neverused" on Redis at');
    expect(await redis.keys('bull:neverused:*')).toEqual([]);
  });

  it('names a refused connection', async () => {
    const closed = await freePort([port]);
    const { status, stderr } = await fixclust(
      'sweep',
      '--collect',
      '--redis',
      `redis://:hunter2@127.0.0.1:${closed}`,
      '--out',
      join(directory, 'refused'),
    );
    expect(status).toBe(1);
    expect(stderr).toMatch(
      /^fixclust: cannot reach Redis at redis:\/\/:\*\*\*@/,
    );
    expect(stderr).not.toContain('hunter2');
  });
}
