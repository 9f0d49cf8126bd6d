import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';

/**
 * Results of 32 MiB, the per-statement text cap: many 1 MiB rows, and two 15 MiB strings (under
 * the 16 MiB single-message guard) plus 2 MiB — one huge value is one JSON.stringify of it.
 */
export const BIG_RESULT_SQL = [
  "select repeat('x', 1024 * 1024) as v from generate_series(1, 32)",
  "select repeat('x', case when g < 3 then 15 else 2 end * 1024 * 1024) as v from generate_series(1, 3) g",
];

export interface BigLoadStats {
  responses: number;
  failures: number;
  bytes: number;
}

/**
 * Users pulling big results back to back. The bytes are counted and dropped, never parsed: the
 * probe shares this process, and parsing 32 MiB here would stall it and measure the client.
 */
export function pullBigResults(base: string, token: (user: string) => string, users: string[]): { stop(): Promise<BigLoadStats> } {
  const agent = new Agent({ keepAlive: true, maxSockets: users.length });
  const stats: BigLoadStats = { responses: 0, failures: 0, bytes: 0 };
  let stopped = false;
  const loops = users.map(async (user, k) => {
    for (let i = k; !stopped; i++) {
      const n = await pullOnce(agent, base, token(user), BIG_RESULT_SQL[i % BIG_RESULT_SQL.length]).catch(() => -1);
      if (n >= 32 * 1024 * 1024) {
        stats.responses++;
        stats.bytes += n;
      } else stats.failures++;
    }
  });
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      agent.destroy();
      return stats;
    },
  };
}

/** One exec; resolves with the body's length in bytes (-1 unless 200). */
function pullOnce(agent: Agent, base: string, token: string, sql: string): Promise<number> {
  const payload = JSON.stringify({ sql });
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/api/sandbox/exec`,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => resolve(res.statusCode === 200 ? n : -1));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Samples a process's RSS every 50 ms until stopped; returns the peak in bytes. */
export function peakRss(pid: number): { stop(): number } {
  const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;
  let peak = rss();
  const timer = setInterval(() => (peak = Math.max(peak, rss())), 50);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, rss());
    },
  };
}
