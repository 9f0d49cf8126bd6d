import type { ResponseBudget, SandboxConnection, ServerNotice, StatementOutcome } from '../../src/database/sandbox-connection';
import type { SandboxConnector } from '../../src/database/sandbox-connector';
import type { SandboxEndpoint } from '../../src/runtime/container-runtime';
import { CANCEL_BACKEND, CANNED_REPLIES, TERMINATE_BACKEND } from './fake-sandbox-connector';

/** What the contract runs against: a connector and a sandbox it can reach. */
export interface ConnectorTarget {
  connector: SandboxConnector;
  /** Where a running sandbox answers. */
  endpoint: SandboxEndpoint;
  /** Where nothing answers, and the error code that says so (ENOENT: no socket; ECONNREFUSED, ENOTFOUND over TCP). */
  missing: { endpoint: SandboxEndpoint; code: string };
}

/** A process id no backend has (Linux pids stay below 2^22). */
const NO_SUCH_PID = 999_999_999;
const roomy = (): ResponseBudget => ({ bytesLeft: 1_000_000 });

/**
 * The SandboxConnection contract, run against FakeSandboxConnector (unit: the fake's spec) and
 * against PgSandboxConnector with a real sandbox (integration): unit tests may rely on whatever
 * the fake does here, including every canned reply.
 */
export function sandboxConnectionContract(target: () => ConnectorTarget): void {
  const opened: SandboxConnection[] = [];
  const connect = async (role: 'sandbox' | 'pgsbx_admin' = 'sandbox') => {
    const { connector, endpoint } = target();
    const c = await connector.connect(endpoint, role);
    opened.push(c);
    return c;
  };
  const run = (c: SandboxConnection, text: string, maxRows = 100, budget = roomy()) => c.run(text, { maxRows, budget });

  afterEach(async () => {
    for (const c of opened.splice(0)) await c.end().catch(() => undefined);
  });

  it('connects as either role, each connection with its own process id', async () => {
    const a = await connect();
    const b = await connect();
    const admin = await connect('pgsbx_admin');
    for (const c of [a, b, admin]) expect(Number.isInteger(c.processId) && c.processId > 0).toBe(true);
    expect(new Set([a.processId, b.processId, admin.processId]).size).toBe(3);
  });

  it('no server there is ENOENT (or ECONNREFUSED), which recovery reads as "still starting"', async () => {
    const { connector, missing } = target();
    await expect(connector.connect(missing.endpoint, 'sandbox')).rejects.toMatchObject({ code: missing.code });
  });

  it.each(Object.entries(CANNED_REPLIES).filter(([, r]) => !('hang' in r)))('answers %s as the fake does', async (text, reply) => {
    const c = await connect();
    const notices: ServerNotice[] = [];
    c.onNotice((n) => notices.push(n));
    const outcome = await run(c, text);
    if ('error' in reply) {
      expect(outcome).toEqual({ kind: 'error', error: reply.error });
    } else if ('rows' in reply) {
      expect(outcome).toEqual({
        kind: 'rows',
        fields: reply.fields,
        rows: reply.rows,
        command: reply.command,
        count: reply.count ?? (reply.command === 'SELECT' ? reply.rows.length : undefined),
        truncated: false,
      });
    }
    expect(notices).toEqual('notices' in reply ? (reply.notices ?? []) : []);
  });

  it('stops at maxRows: truncated, and no count (the server suspended the portal)', async () => {
    const c = await connect();
    const o = await run(c, 'select g from generate_series(1, 5) g', 3);
    expect(o).toEqual({
      kind: 'rows',
      fields: [{ name: 'g', dataTypeID: 23 }],
      rows: [{ g: 1 }, { g: 2 }, { g: 3 }],
      command: 'SELECT',
      truncated: true,
    });
  });

  it('spends the shared budget; once it is out, rows are dropped and the result truncated', async () => {
    const c = await connect();
    const budget = roomy();
    await run(c, 'select 1 as one', 100, budget);
    expect(budget.bytesLeft).toBeLessThan(1_000_000);
    const o = await run(c, 'select 1 as one', 100, { bytesLeft: 0 });
    expect(o).toMatchObject({ kind: 'rows', rows: [], truncated: true });
  });

  it('stays usable after a failed statement', async () => {
    const c = await connect();
    expect((await run(c, 'selec 1')).kind).toBe('error');
    expect(await run(c, 'select 1 as one')).toMatchObject({ kind: 'rows', rows: [{ one: 1 }] });
  });

  it('hears no notices once the listener is removed', async () => {
    const c = await connect();
    const notices: ServerNotice[] = [];
    const stop = c.onNotice((n) => notices.push(n));
    stop();
    await run(c, "do $$ begin raise notice 'hello'; end $$");
    expect(notices).toEqual([]);
  });

  it('the management role cancels a running statement (57014) and answers false for no backend', async () => {
    const c = await connect();
    const admin = await connect('pgsbx_admin');
    const running = run(c, 'select pg_sleep(60)');
    let outcome: StatementOutcome | undefined;
    void running.then((o) => (outcome = o));
    // Until it lands: a cancel that reaches the backend before the statement does is ignored.
    for (let i = 0; i < 100 && !outcome; i++) {
      expect(await admin.query<{ ok: boolean }>(CANCEL_BACKEND, [c.processId])).toEqual([{ ok: true }]);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await running).toEqual({
      kind: 'error',
      error: { message: 'canceling statement due to user request', code: '57014', severity: 'ERROR' },
    });
    expect(await admin.query<{ ok: boolean }>(CANCEL_BACKEND, [NO_SUCH_PID])).toEqual([{ ok: false }]);
  });

  it('a terminated backend loses its connection: the statements after it report lost', async () => {
    const c = await connect();
    const admin = await connect('pgsbx_admin');
    expect(await admin.query<{ ok: boolean }>(TERMINATE_BACKEND, [c.processId])).toEqual([{ ok: true }]);
    // The server's goodbye (FATAL 57P01) may reach a statement sent before it arrived.
    let o = await run(c, 'select 1 as one');
    for (let i = 0; i < 50 && o.kind !== 'lost'; i++) {
      expect(o).toMatchObject({ kind: 'error', error: { code: '57P01' } });
      o = await run(c, 'select 1 as one');
    }
    expect(o).toMatchObject({ kind: 'lost', tooLarge: false });
  });

  it('after end(), statements report lost; a running statement ends when the connection is destroyed', async () => {
    const c = await connect();
    await c.end();
    expect(await run(c, 'select 1 as one')).toMatchObject({ kind: 'lost', tooLarge: false });

    const d = await connect();
    const running = run(d, 'select pg_sleep(60)');
    await new Promise((r) => setTimeout(r, 50));
    d.destroy();
    expect(await running).toMatchObject({ kind: 'lost', tooLarge: false });
  });
}
