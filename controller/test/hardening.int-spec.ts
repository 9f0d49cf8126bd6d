import type { ErrorResult, RowsResult, SandboxResult } from '@pgsbx/contract';
import { rssGrowthDuring, signToken, sleep } from './support/util';
import { execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { Harness, containersOf, docker, startHarness } from './support/harness';

const err = (r: SandboxResult | undefined) => (r as ErrorResult | undefined)?.error;
const rows = (r: SandboxResult) => (r as RowsResult).rows;

/** Sends raw bytes: for bodies that no JSON library would produce. */
function rawPost(url: string, path: string, token: string, body: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = httpRequest(
      url + path,
      { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* asserted by the caller */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('Hardening (real Docker)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      SANDBOX_WARM_POOL: '1',
      SANDBOX_STATEMENT_TIMEOUT: '3s',
      SANDBOX_MEMORY: '192m',
      SANDBOX_DATA_SIZE: '64m',
    });
  });
  afterAll(() => h?.close());

  describe('escape attempts as the sandbox role are refused with an error result', () => {
    const attempts: [string, string][] = [
      ['a server program', "copy (select 1) to program 'id'"],
      ['a server program, reading', "copy pg_class from program 'cat /etc/passwd'"],
      ['a server file, read', "select pg_read_file('/etc/passwd')"],
      ['a server file, binary read', "select pg_read_binary_file('/var/lib/postgresql/data/postgresql.auto.conf')"],
      ['a server directory listing', "select pg_ls_dir('/')"],
      ['a server file, COPY FROM', "copy pg_class from '/etc/passwd'"],
      ['a server file, COPY TO', "copy (select 1) to '/tmp/x'"],
      ['a server-side large object import', "select lo_import('/etc/passwd')"],
      ['a server-side large object export', "select lo_export(lo_create(0), '/tmp/x')"],
      ['an untrusted language', 'create language plperlu'],
      ['a C function', "create function f() returns int as '/lib/x86_64-linux-gnu/libc.so.6', 'getpid' language c"],
      ['an extension outside the allowlist: dblink', 'create extension dblink'],
      ['an extension outside the allowlist: postgres_fdw', 'create extension postgres_fdw'],
      ['an extension outside the allowlist: file_fdw', 'create extension file_fdw'],
      ['an extension outside the allowlist: pageinspect', 'create extension pageinspect'],
      ['role escalation: superuser', 'alter role sandbox superuser'],
      ['role escalation: a new superuser', 'create role evil superuser login'],
      ['role escalation: server-program role', 'grant pg_execute_server_program to sandbox'],
      ['role escalation: session authorization', 'set session authorization postgres'],
      ['ALTER SYSTEM', "alter system set shared_preload_libraries = 'dblink'"],
      ['a superuser setting', "set extwlist.extensions = 'dblink'"],
      ['reaching the management role', 'set role pgsbx_admin'],
      ['loading a library by name', "load 'auto_explain'"],
      ['loading a library by path', "load '/usr/lib/postgresql/17/lib/dblink.so'"],
      ['creating a database', 'create database other'],
      ['connecting to a template', 'alter database template1 allow_connections true'],
    ];
    it.each(attempts)('%s', async (_what, sql) => {
      const t = h.token('escaper');
      const res = await h.exec(t, sql);
      expect(res.status).toBe(200);
      expect(err(res.body[0])?.message).toBeDefined();
    });

    it('leaves the role as it was', async () => {
      const res = await h.exec(
        h.token('escaper'),
        "select current_user as u, rolsuper as su, pg_has_role('sandbox', 'pgsbx_admin', 'member') as admin from pg_roles where rolname = current_user",
      );
      expect(rows(res.body[0])).toEqual([{ u: 'sandbox', su: false, admin: false }]);
    });
  });

  describe('network', () => {
    it('a sandbox has no network: only loopback, no routes, the host’s ports unreachable, no other sandbox in sight', async () => {
      const a = h.token('net-a');
      const b = h.token('net-b');
      await h.exec(a, 'select 1');
      await h.exec(b, 'select 1');
      const name = `${h.prefix}-u-net-a`;
      expect(docker(['inspect', '-f', '{{.HostConfig.NetworkMode}}', name])).toBe('none');
      expect(docker(['exec', name, 'ls', '/sys/class/net']).split(/\s+/)).toEqual(['lo']);
      // Only the header line: no route to anywhere.
      expect(docker(['exec', name, 'cat', '/proc/net/route']).split('\n')).toHaveLength(1);
      // The controller listens on the host's 127.0.0.1; inside, 127.0.0.1 is the sandbox's own.
      const port = new URL(h.url).port;
      const probe = () => docker(['exec', name, 'bash', '-c', `echo > /dev/tcp/127.0.0.1/${port} && echo open || echo closed`]);
      expect(probe()).toMatch(/closed/);
      // Its socket directory holds its own server only.
      expect(docker(['exec', name, 'ls', '-A', '/var/run/postgresql']).split(/\s+/).sort()).toEqual([
        '.s.PGSQL.5432',
        '.s.PGSQL.5432.lock',
      ]);
    });
  });

  describe('exhaustion stays inside the sandbox', () => {
    it('filling the disk gives an error, and the sandbox keeps working', async () => {
      const t = h.token('filler');
      const res = await h.exec(t, "create table fill as select repeat('x', 1000) as v from generate_series(1, 200000)");
      expect(err(res.body[0])?.code).toBe('53100');
      expect(rows((await h.exec(t, 'select 1 as ok')).body[0])).toEqual([{ ok: 1 }]);
    });

    it('a temp-file bomb gives an error', async () => {
      const t = h.token('tempbomb');
      const res = await h.exec(
        t,
        "set work_mem = '64kB'; select count(*) from (select g from generate_series(1, 20000000) g order by g desc) s",
      );
      expect(['53100', '53400', '57014']).toContain(err(res.body[1])?.code);
      expect(rows((await h.exec(t, 'select 1 as ok')).body[0])).toEqual([{ ok: 1 }]);
    });

    it('runaway recursion stops at the statement timeout or the stack limit', async () => {
      const t = h.token('recursor');
      const cte = await h.exec(t, 'with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r');
      // Whichever limit it meets first: the statement timeout, or the work table filling the disk.
      expect(['57014', '53100', '53400']).toContain(err(cte.body[0])?.code);
      const fn = await h.exec(
        t,
        'create function down(n int) returns int language plpgsql as $$ begin return down(n + 1); end $$; select down(1)',
      );
      expect(err(fn.body[1])?.code).toBe('54001');
    });

    it('one huge value closes that session with a clear error; the controller’s memory stays flat', async () => {
      const t = h.token('hugevalue');
      await h.exec(t, 'select 1');
      const { result: res, growthMiB } = await rssGrowthDuring(() => h.exec(t, "select repeat('x', 40 * 1024 * 1024) as big"));
      expect(err(res.body[0])?.code).toBe('54000');
      expect(err(res.body[0])?.message).toMatch(/over 16 MB/);
      expect(growthMiB).toBeLessThan(100);
      expect(rows((await h.exec(t, 'select 1 as ok')).body[0])).toEqual([{ ok: 1 }]);
    });

    it('many wide rows are cut at the result size cap, marked truncated', async () => {
      const t = h.token('wide');
      const res = await h.exec(t, "select g, repeat('y', 10000) as pad from generate_series(1, 9000) g");
      const r = res.body[0] as RowsResult;
      expect(r.truncated).toBe(true);
      expect(r.rows.length).toBeLessThan(9000);
      expect(r.rows.length).toBeGreaterThan(3000);
    });

    it('a notice flood is capped', async () => {
      const t = h.token('noisy');
      const res = await h.exec(t, "do $$ begin for i in 1..5000 loop raise notice 'n %', i; end loop; end $$");
      const r = res.body[0] as RowsResult;
      expect(r.notices).toHaveLength(101);
      expect(r.notices?.[100].message).toMatch(/4900 more notices/);
    });

    it('a memory hog kills only its own sandbox; another user keeps answering; the controller stays up', async () => {
      const hog = h.token('hog');
      const other = h.token('bystander');
      await h.exec(other, 'create table mine(v int); insert into mine values (1)');
      const hogging = h.exec(hog, "select length(string_agg(repeat('x', 1000000), '')) from generate_series(1, 600)");
      const during = await h.exec(other, 'select v from mine');
      expect(rows(during.body[0])).toEqual([{ v: 1 }]);
      const hogged = await hogging;
      expect(err(hogged.body[0])).toBeDefined();
      const after = await h.exec(other, 'select v from mine');
      expect(rows(after.body[0])).toEqual([{ v: 1 }]);
      expect((await h.request('GET', '/healthz')).status).toBe(200);
    });

    it('session floods: a fifth session is refused, and a session’s queue is bounded', async () => {
      const t = h.token('flooder');
      for (const s of ['main', 's2', 's3', 's4']) expect((await h.exec(t, 'select 1', s)).status).toBe(200);
      const fifth = await h.exec(t, 'select 1', 's5');
      expect(fifth.status).toBe(400);
      expect(fifth.body.message).toMatch(/At most 4 sessions/);
      const burst = await Promise.all(Array.from({ length: 24 }, () => h.exec(t, 'select pg_sleep(0.05)', 's2')));
      const codes = burst.map((r) => r.status);
      expect(codes).toContain(429);
      expect(codes).toContain(200);
    });

    it('slow statements on every session of one user do not hold up another user', async () => {
      const slow = h.token('sleeper');
      const quick = h.token('quick');
      await h.exec(quick, 'select 1');
      const sleeping = ['main', 's2', 's3', 's4'].map((s) => h.exec(slow, 'select pg_sleep(2)', s));
      await sleep(300);
      const t0 = Date.now();
      const res = await h.exec(quick, 'select 1 as ok');
      const took = Date.now() - t0;
      expect(rows(res.body[0])).toEqual([{ ok: 1 }]);
      expect(took).toBeLessThan(1500); // far less than the 2 s sleeps it must not wait for
      await Promise.all(sleeping);
    });
  });

  describe('hostile HTTP input gets a clear 4xx and breaks nothing', () => {
    it('invalid JSON, wrong types, extra fields', async () => {
      const t = h.token('hostile');
      const bad = await rawPost(h.url, '/api/sandbox/exec', t, Buffer.from('{"sql": "select 1",'));
      expect(bad).toMatchObject({ status: 400, body: { statusCode: 400, message: 'The request body is not valid JSON.' } });
      const types = await h.request('POST', '/api/sandbox/exec', t, { sql: 5 });
      expect(types.status).toBe(400);
      expect(types.body.message).toMatch(/sql must be a string/);
      const extra = await h.request('POST', '/api/sandbox/exec', t, { sql: 'select 1', admin: true });
      expect(extra.status).toBe(400);
      expect(extra.body.message).toMatch(/admin should not exist/);
      const notObject = await rawPost(h.url, '/api/sandbox/exec', t, Buffer.from('"select 1"'));
      expect(notObject.status).toBe(400);
    });

    it('NUL bytes, invalid UTF-8 and unpaired surrogates in SQL', async () => {
      const t = h.token('hostile');
      const nul = await h.request('POST', '/api/sandbox/exec', t, { sql: 'select 1\u0000' });
      expect(nul.status).toBe(400);
      expect(nul.body.message).toMatch(/NUL/);
      const latin1 = Buffer.concat([Buffer.from('{"sql":"select \''), Buffer.from([0xff, 0xfe]), Buffer.from('\'"}')]);
      const invalid = await rawPost(h.url, '/api/sandbox/exec', t, latin1);
      expect(invalid).toMatchObject({ status: 400, body: { message: 'The request body is not valid UTF-8 text.' } });
      const surrogate = await rawPost(h.url, '/api/sandbox/exec', t, Buffer.from('{"sql":"select \'\\ud800\'"}'));
      expect(surrogate.status).toBe(400);
      expect(surrogate.body.message).toMatch(/surrogate/);
    });

    it('10,000 statements in one request', async () => {
      const res = await h.exec(h.token('hostile'), 'select 1;'.repeat(10_000));
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/10000 statements; at most 1000/);
    });

    it('odd session names', async () => {
      const t = h.token('hostile');
      for (const session of ['../etc', 'a'.repeat(33), 'semi;colon', ' main', '']) {
        const res = await h.request('POST', '/api/sandbox/exec', t, { sql: 'select 1', session });
        expect({ session, status: res.status }).toEqual({ session, status: 400 });
      }
    });

    it('oversized headers', async () => {
      const res = await fetch(`${h.url}/api/sandbox`, {
        headers: { authorization: `Bearer ${h.token('hostile')}`, 'x-junk': 'x'.repeat(64 * 1024) },
      });
      expect(res.status).toBe(431);
    });

    it('tokens: alg none, a wrong key, expired, a tampered role, garbage', async () => {
      const secret = h.config.jwtSecret;
      const none = signToken({ sub: 'mallory', role: 'admin' }, undefined, { alg: 'none', typ: 'JWT' });
      const wrongKey = signToken({ sub: 'mallory', role: 'admin' }, 'x'.repeat(40));
      const expired = signToken({ sub: 'late', role: 'pro', exp: 1 }, secret);
      const good = signToken({ sub: 'mallory', role: 'user' }, secret);
      const [head, , sig] = good.split('.');
      const tampered = `${head}.${Buffer.from(JSON.stringify({ sub: 'mallory', role: 'admin' })).toString('base64url')}.${sig}`;
      for (const [what, token] of [
        ['none', none],
        ['wrong key', wrongKey],
        ['expired', expired],
        ['tampered', tampered],
        ['garbage', 'not.a.jwt'],
      ]) {
        const res = await h.exec(token, 'select 1');
        expect({ what, status: res.status, json: typeof res.body.message }).toEqual({ what, status: 401, json: 'string' });
      }
      // The valid token with role user is a 403, not a 401.
      expect((await h.exec(good, 'select 1')).status).toBe(403);
    });

    it('after all that, the controller is healthy and serves the user', async () => {
      expect((await h.request('GET', '/healthz')).status).toBe(200);
      expect(rows((await h.exec(h.token('hostile'), 'select 1 as ok')).body[0])).toEqual([{ ok: 1 }]);
    });
  });

  describe('faults', () => {
    it('a sandbox killed mid-query: a clear error, and the next exec gets a fresh one', async () => {
      const t = h.token('midquery');
      await h.exec(t, 'create table gone_soon(x int)');
      const running = h.exec(t, 'select pg_sleep(2.5)');
      await sleep(500);
      execFileSync('docker', ['kill', `${h.prefix}-u-midquery`]);
      const res = await running;
      expect(res.status).toBe(200);
      expect(err(res.body[0])?.message).toMatch(/sandbox stopped while running this statement/);
      const next = await h.exec(t, "select count(*)::int as n from pg_tables where tablename = 'gone_soon'");
      expect(next.status).toBe(200);
      expect(rows(next.body[0])).toEqual([{ n: 0 }]);
      expect(next.headers.get('x-sandbox-replaced')).toMatch(/stopped/);
      expect(containersOf(h.prefix).filter((c) => c.name === `${h.prefix}-u-midquery`)).toHaveLength(1);
    });
  });
});

describe('Rate limits (real Docker)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ SANDBOX_WARM_POOL: '0', RATE_LIMIT_PER_MINUTE: '60' });
  });
  afterAll(() => h?.close());

  it('answers 429 with Retry-After past the per-user limit, and other users are unaffected', async () => {
    const t = h.token('greedy');
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 15; i++) {
      const res = await h.request('GET', '/api/sandbox', t);
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        expect(res.body.message).toMatch(/Too many requests: at most 60 a minute/);
      }
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await h.request('GET', '/api/sandbox', h.token('modest'))).status).toBe(200);
  });
});
