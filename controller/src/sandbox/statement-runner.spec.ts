import { Subject } from 'rxjs';
import { splitSql } from '@pgsbx/contract';
import { FakeSandboxConnector } from '../../test/support/fake-sandbox-connector';
import { JsonLogger } from '../common/json-logger';
import { loadConfig } from '../config/app-config';
import { Sandbox } from '../domain/sandbox';
import { FleetService } from '../fleet/fleet.service';
import { SessionManager } from './session-manager';
import { MAX_NOTICES, StatementRunner } from './statement-runner';

function setup(env: Record<string, string> = {}) {
  const config = loadConfig({ SANDBOX_PREFIX: 'p', ...env });
  const connector = new FakeSandboxConnector();
  // Only what the runner and the session manager use of the fleet.
  const fleet = {
    removed$: new Subject<Sandbox>(),
    checkAlive: jest.fn(async () => false),
    replace: jest.fn(),
  } as unknown as FleetService;
  const sessions = new SessionManager(config, fleet, connector, new JsonLogger('error'));
  const sut = new StatementRunner(config, fleet, sessions, new JsonLogger('error'));
  const sb = new Sandbox('p-u-alice', 'c1', { kind: 'unix', dir: '/fake/c1' }, 0, 'img', 0, 'cold', 'alice');
  const run = (sql: string, session = 'main') =>
    sut.runAll(sb, sessions.session(sb, session), sql, splitSql(sql), performance.now() + config.requestTimeoutMs);
  return { sut, connector, sessions, sb, run, fleet };
}

describe(StatementRunner.name, () => {
  it('maps rows and command tags to results; a row count only for commands that change rows', async () => {
    const { connector, run } = setup();
    connector.replies.set('insert into t values (1), (2)', { rows: [], fields: [], command: 'INSERT', count: 2 });
    const [select, insert] = await run('select 1 as one; insert into t values (1), (2)');
    expect(select).toEqual({
      statement: 'select 1 as one',
      command: 'SELECT',
      rows: [{ one: 1 }],
      fields: [{ name: 'one', dataTypeID: 23 }],
      durationMs: expect.any(Number),
    });
    expect(insert).toMatchObject({ command: 'INSERT', affectedRows: 2 });
  });

  it('stops at the first error and gives its position within the whole request', async () => {
    const { connector, run } = setup();
    const sql = 'select 1 as one;\n  selec 1; select 1 as one';
    const results = await run(sql);
    expect(results).toHaveLength(2);
    expect(results[1]).toEqual({
      statement: 'selec 1',
      error: { message: 'syntax error at or near "selec"', code: '42601', severity: 'ERROR', position: sql.indexOf('selec 1') + 1 },
      durationMs: expect.any(Number),
    });
    expect(connector.opened[0].statements).toEqual(['select 1 as one', 'selec 1']);
  });

  it(`keeps ${MAX_NOTICES} notices of a statement and counts the rest`, async () => {
    const { connector, run } = setup();
    const notices = Array.from({ length: MAX_NOTICES + 5 }, (_, i) => ({ severity: 'NOTICE', code: '00000', message: `n${i}` }));
    connector.replies.set('do $$ … $$', { rows: [], fields: [], command: 'DO', notices });
    const [r] = await run('do $$ … $$');
    expect(r.notices).toHaveLength(MAX_NOTICES + 1);
    expect(r.notices?.[MAX_NOTICES]).toEqual({ severity: 'NOTICE', message: '… and 5 more notices, not shown' });
  });

  it('a lost connection is a FATAL result and closes the session; the next run opens a new one', async () => {
    const { connector, sessions, sb, run } = setup();
    connector.replies.set('select boom', { lost: 'Connection terminated unexpectedly' });
    const [r] = await run('select boom');
    expect(r).toEqual({
      statement: 'select boom',
      error: {
        message: 'The connection to the sandbox was lost (Connection terminated unexpectedly). The next run opens a new session.',
        code: '08006',
        severity: 'FATAL',
      },
    });
    expect(sessions.names(sb)).toEqual([]);
    await run('select 1 as one');
    expect(connector.opened.map((c) => c.open)).toEqual([false, true]);
  });

  it('a message over the size limit closes the session with 54000 and says what to select instead', async () => {
    const { connector, run } = setup();
    connector.replies.set('select big', { lost: 'message too large', tooLarge: true });
    const [r] = await run('select big');
    expect(r).toMatchObject({
      error: { code: '54000', severity: 'FATAL', message: expect.stringMatching(/over 16 MB.*left\(col, 1000\)/) },
    });
  });

  it('a tampered socket is 08001 with the reason, and nothing runs', async () => {
    const { connector, run } = setup();
    connector.tampered.add('/fake/c1');
    const [r] = await run('select 1 as one');
    expect(r).toMatchObject({ error: { code: '08001', severity: 'FATAL', message: expect.stringMatching(/tampered with/) } });
    expect(connector.opened).toEqual([]);
  });

  it('a server that breaks the protocol is treated like a tampered socket: 08001 with the reason', async () => {
    const { connector, run } = setup();
    connector.hostile.add('/fake/c1');
    const [r] = await run('select 1 as one');
    expect(r).toMatchObject({ error: { code: '08001', severity: 'FATAL', message: expect.stringMatching(/broke the Postgres protocol/) } });
    expect(connector.opened).toEqual([]);
  });

  it('the watchdog cancels a statement past SANDBOX_STATEMENT_TIMEOUT and names the limit', async () => {
    const { run } = setup({ SANDBOX_STATEMENT_TIMEOUT: '100ms' });
    const [r] = await run('select pg_sleep(60)');
    expect(r).toMatchObject({
      error: { code: '57014', message: 'canceling statement: it ran past the 0.1 s limit (SANDBOX_STATEMENT_TIMEOUT)' },
    });
  });

  it('a statement that ignores the cancel has its backend terminated, and the session is closed', async () => {
    const { connector, sessions, sb, run } = setup({ SANDBOX_STATEMENT_TIMEOUT: '100ms' });
    connector.replies.set('select stubborn()', { hang: true, ignoresCancel: true });
    const [r] = await run('select stubborn()');
    expect(r).toMatchObject({ error: { code: '57014', severity: 'FATAL', message: expect.stringMatching(/ignored the cancel/) } });
    expect(sessions.names(sb)).toEqual([]);
  }, 10_000);
});
