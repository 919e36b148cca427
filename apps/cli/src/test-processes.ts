import { readdir, readFile } from 'node:fs/promises';

/**
 * Calls `probe` every 100 ms until it returns a value other than undefined
 * and returns that value.
 *
 * @param what - What is awaited, for the timeout message.
 * @param detail - Text added to the timeout message, such as logs.
 * @throws Error after `timeoutMs` milliseconds without a value.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  options: { timeoutMs?: number; detail?: () => string } = {},
): Promise<T> {
  const { timeoutMs = 90_000, detail = () => '' } = options;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${detail()}`,
  );
}

/** Reads the state and parent of a process from /proc. */
async function processStat(
  pid: number,
): Promise<{ state: string; parent: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, parent: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** Returns the process ids of the children of `parent`. */
export async function childrenOf(parent: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const children: number[] = [];
  for (const pid of pids.map(Number)) {
    if ((await processStat(pid))?.parent === parent) children.push(pid);
  }
  return children;
}

/** Tells whether process `pid` exists and is not a zombie. */
export async function isRunning(pid: number): Promise<boolean> {
  const stat = await processStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}
