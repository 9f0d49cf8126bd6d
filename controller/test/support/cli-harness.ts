import type { SandboxView } from '@pgsbx/contract';
import type { CliIo } from '../../src/cli/io';
import { run } from '../../src/cli/sandboxctl';

/** sandboxctl's unit specs: a fake controller (routes by "METHOD /path"), captured output, a fixed clock. */
export interface Call {
  method: string;
  path: string;
  auth?: string;
  body?: unknown;
}
export type Route = (call: Call) => { status?: number; body: unknown };

export const sandbox = (user: string, over: Partial<SandboxView> = {}): SandboxView => ({
  user,
  container: `pgsbx-u-${user}`,
  containerId: `${user.padEnd(12, '0')}`.slice(0, 12),
  state: 'ready',
  source: 'pool',
  createdAt: '2026-01-01T00:00:00.000Z',
  containerCreatedAt: '2026-01-01T00:00:00.000Z',
  lastUsedAt: '2026-01-01T00:05:00.000Z',
  idleMs: 120_000,
  memoryBytes: 20 * 1024 * 1024,
  cpuPercent: 0.5,
  sessions: ['main'],
  image: 'sha256:abc',
  node: null,
  ...over,
});

/** sandboxctl with a fake controller (routes by "METHOD /path") and captured output. */
export function cliHarness(routes: Record<string, Route>, opts: { tty?: boolean; answer?: string; env?: Record<string, string> } = {}) {
  const calls: Call[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const prompts: string[] = [];
  const interrupts = new Set<() => void>();
  const io: CliIo = {
    stdout: { write: (s: string) => out.push(s), isTTY: opts.tty },
    stderr: { write: (s: string) => err.push(s) },
    stdinIsTTY: opts.tty === true,
    env: { SANDBOXCTL_URL: 'http://ctl:3000', SANDBOXCTL_TOKEN: 'admin-token', SANDBOXCTL_CONFIG: '/nonexistent/c.json', ...opts.env },
    home: '/nonexistent',
    fetch: async (input, init) => {
      const url = new URL((input as URL).href); // ApiClient passes a URL
      const call: Call = {
        method: init?.method ?? 'GET',
        path: url.pathname + url.search,
        auth: (init?.headers as Record<string, string>)?.authorization,
        body: init?.body ? JSON.parse(init.body as string) : undefined,
      };
      calls.push(call);
      const route = routes[`${call.method} ${url.pathname}`];
      const res = route ? route(call) : { status: 404, body: { statusCode: 404, message: `Cannot ${call.method} ${url.pathname}` } };
      return new Response(JSON.stringify(res.body), { status: res.status ?? 200 });
    },
    prompt: async (q) => {
      prompts.push(q);
      return opts.answer ?? '';
    },
    sleep: () => new Promise((r) => setImmediate(r)),
    onInterrupt: (h) => {
      interrupts.add(h);
      return () => interrupts.delete(h);
    },
    now: () => Date.parse('2026-01-01T12:00:00Z'),
  };
  return {
    calls,
    prompts,
    interrupt: () => interrupts.forEach((h) => h()),
    run: async (...argv: string[]) => {
      out.length = 0;
      err.length = 0;
      const code = await run(argv, io);
      return { code, stdout: out.join(''), stderr: err.join('') };
    },
  };
}

export const ok =
  (body: unknown): Route =>
  () => ({ body });
