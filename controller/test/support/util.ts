import { createHmac } from 'node:crypto';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it holds; fails naming `what` after `ms`. */
export async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(100);
  }
}

/** A JWT made by hand, for tokens the server must refuse (or accept, with its key). No key: unsigned. */
export function signToken(payload: object, key?: string, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${b64(header)}.${b64({ iat: Math.floor(Date.now() / 1000), ...payload })}`;
  return key ? `${head}.${createHmac('sha256', key).update(head).digest('base64url')}` : `${head}.`;
}

/** Runs `fn`, sampling this process's RSS every 5 ms; returns its result and the growth in MiB. */
export async function rssGrowthDuring<T>(fn: () => Promise<T>): Promise<{ result: T; growthMiB: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const result = await fn();
    return { result, growthMiB: (peak - base) / 1024 / 1024 };
  } finally {
    clearInterval(sampler);
  }
}
