import type { BenchTarget } from './bench-client';

/**
 * The latencies a user sees, as samples against any controller (BenchTarget): the bench's own
 * rows (bench.ts) and the swarm scenario's docker-mode and swarm-mode rows (swarm.ts) come from
 * these, so the two modes are measured by the same code.
 */

const now = () => performance.now();

/** A new user's first exec (`select 1`), `n` users one after another, each with the pool full. */
export async function firstExecs(t: BenchTarget, n: number, userPrefix: string): Promise<number[]> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    await t.poolAt(t.pool);
    const start = now();
    await t.exec(`${userPrefix}-${i}`, 'select 1');
    xs.push(now() - start);
  }
  return xs;
}

/** Reset, then the next exec (`select 1`), `n` times for one user, each with the pool full. */
export async function resetsThenExec(t: BenchTarget, n: number, user: string): Promise<number[]> {
  await t.exec(user, 'select 1');
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    await t.poolAt(t.pool);
    const start = now();
    const r = await t.api('POST', '/api/sandbox/reset', t.token(user));
    if (r.status !== 200) throw new Error(`reset ${user}: ${r.status} ${JSON.stringify(r.json)}`);
    await t.exec(user, 'select 1');
    xs.push(now() - start);
  }
  return xs;
}

/**
 * `select 1` exec latency, one client, sequential: `n` rounds over `users` (whose sandboxes are
 * up), one exec each per round, so every user's samples span the same stretch of a noisy machine.
 */
export async function select1Rounds(t: BenchTarget, users: string[], n: number): Promise<Map<string, number[]>> {
  const out = new Map(users.map((u) => [u, [] as number[]]));
  for (const u of users) await t.exec(u, 'select 1'); // sessions open, unmeasured
  for (let i = 0; i < n; i++) {
    for (const u of users) {
      const start = now();
      await t.exec(u, 'select 1');
      out.get(u)?.push(now() - start);
    }
  }
  return out;
}
