import { Agent, request } from 'node:http';
import type { PoolStatus, SandboxResult } from '@pgsbx/contract';
import { hs256Token } from './hs256-token';

/** What a bench scenario needs of a controller: its HTTP API as a user and as an operator. */
export interface BenchTarget {
  api(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  token(user: string): string;
  admin(): string;
  exec(user: string, sql: string): Promise<SandboxResult[]>;
  poolAt(ready: number): Promise<void>;
  /** The warm pool size it runs with. */
  pool: number;
  log(text: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One controller as the bench reaches it: the host's (docker mode) or a deployed stack's (swarm
 * mode), through the same client so both are measured alike. node:http with keep-alive, not
 * fetch: Node 20's fetch costs ~2.5 ms of client CPU a request here, which would measure the load
 * generator instead of the controller. Methods are arrow properties: scenarios take them apart.
 */
export class BenchClient implements BenchTarget {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    readonly base: string,
    private readonly secret: string,
    readonly pool: number,
    readonly log: (text: string) => void,
    /** How long poolAt waits for the pool to refill (a swarm starts services more slowly). */
    private readonly poolWaitMs = 60_000,
  ) {}

  readonly token = (sub: string, role = 'pro'): string => hs256Token(this.secret, sub, role);
  readonly admin = (): string => this.token('bench-ops', 'admin');

  readonly api = async (method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    try {
      return await this.apiOnce(method, path, token, body);
    } catch (e) {
      // A kept-alive socket closed by the server as we reused it: once more on a fresh one.
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') throw e;
      return this.apiOnce(method, path, token, body);
    }
  };

  readonly exec = async (user: string, sql: string, session?: string): Promise<SandboxResult[]> => {
    const r = await this.api('POST', '/api/sandbox/exec', this.token(user), session ? { sql, session } : { sql });
    if (r.status !== 200) throw new Error(`exec ${user}: ${r.status} ${JSON.stringify(r.json)}`);
    const results = r.json as SandboxResult[];
    if ('error' in results[0]) throw new Error(`exec ${user}: ${results[0].error.message}`);
    return results;
  };

  readonly poolAt = async (ready: number): Promise<void> => {
    const deadline = Date.now() + this.poolWaitMs;
    while (Date.now() < deadline) {
      const p = (await this.api('GET', '/api/admin/pool', this.admin())).json as PoolStatus;
      if (p.ready === ready && p.starting === 0) return;
      await sleep(50);
    }
    throw new Error(`pool did not reach ${ready} within ${this.poolWaitMs / 1000} s`);
  };

  close(): void {
    this.agent.destroy();
  }

  private apiOnce(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        this.base + path,
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${token}`,
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
            } catch (e) {
              const notJson = e as SyntaxError; // all JSON.parse throws
              reject(notJson);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
}
