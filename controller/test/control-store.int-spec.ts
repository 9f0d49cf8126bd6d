import { JsonLogger } from '../src/common/json-logger';
import { ControlStore, ControlStoreUnavailableError } from '../src/control/control-store';
import { CONTROL_MIGRATIONS } from '../src/control/pg-control-migrations';
import { PgControlStore } from '../src/control/pg-control-store';
import { describeControlStoreContract } from './support/control-store-contract';
import { sharedControlPsql, testControlDatabaseName, testControlDatabaseUrl } from './support/control-database';
import { Harness, docker, removeContainers, startHarness, testPrefix } from './support/harness';
import { until } from './support/util';

const log = new JsonLogger('error');
const storeAt = (url: string) => new PgControlStore({ target: async () => ({ connectionString: url }), log, readyTimeoutMs: 30_000 });

// The same contract runs against the fake in src/control/fake-control-store.contract.spec.ts.
let contractStore: PgControlStore;
describeControlStoreContract(
  `${PgControlStore.name} (real Postgres)`,
  async () => (contractStore = storeAt(await testControlDatabaseUrl(testPrefix()))),
  async () => contractStore?.close(),
);

describe('PgControlStore migrations', () => {
  it('two controllers opening a fresh database at once both start, and each migration runs once', async () => {
    const prefix = testPrefix();
    const url = await testControlDatabaseUrl(prefix);
    const [a, b] = [storeAt(url), storeAt(url)];
    try {
      await Promise.all([a.init(), b.init()]);
      await a.recordUse('mig', new Date());
      expect(await b.user('mig')).toMatchObject({ userId: 'mig' });
      const db = testControlDatabaseName(prefix);
      const rows = sharedControlPsql(db, 'select id from pgsbx_control.control_migrations order by id');
      expect(rows.split('\n')).toEqual(CONTROL_MIGRATIONS.map((m) => String(m.id)));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('the embedded control database (CONTROL_DATABASE_URL empty)', () => {
  const prefix = testPrefix();
  const name = `${prefix}-control`;
  let h: Harness | undefined;
  const store = () => h!.app.get(ControlStore);
  const at = new Date(Date.UTC(2026, 5, 1, 12, 0, 0, 5));
  const archive = {
    userId: 'bob',
    kind: 'checkpoint' as const,
    name: 'before',
    key: 'bob/1',
    bytes: 42,
    sha256: 'ef'.repeat(32),
    createdAt: at,
  };
  const answersAgain = () =>
    until('the control store answers again', () =>
      store()
        .ping()
        .then(
          () => true,
          () => false,
        ),
    );
  const restart = async () => {
    await h!.fleet.settle();
    await h!.app.close(); // not h.close(): that removes the prefix's containers, the control one included
    h = await startHarness({ SANDBOX_PREFIX: prefix, CONTROL_DATABASE_URL: '', SANDBOX_WARM_POOL: '0' });
  };

  beforeAll(async () => {
    h = await startHarness({ SANDBOX_PREFIX: prefix, CONTROL_DATABASE_URL: '', SANDBOX_WARM_POOL: '0' });
  });
  afterAll(async () => {
    await h?.close();
    removeContainers(prefix);
  });

  it('runs `<prefix>-control` on the named volume `<prefix>-control`, apart from the fleet', async () => {
    const inspect = JSON.parse(docker(['inspect', name]))[0];
    expect(inspect.Config.Labels).toMatchObject({ 'pgsbx.control': prefix });
    expect(Object.keys(inspect.Config.Labels)).not.toContain('pgsbx.prefix');
    expect(inspect.HostConfig.RestartPolicy.Name).toBe('unless-stopped');
    expect(inspect.HostConfig.NetworkMode).toBe('none');
    expect(inspect.Mounts).toContainEqual(expect.objectContaining({ Type: 'volume', Name: name, Destination: '/var/lib/postgresql/data' }));
    // Durable, unlike a sandbox; templates copied into the volume, not linked into the image.
    expect(docker(['exec', '-u', 'postgres', name, 'psql', '-XAtq', '-d', 'sandbox', '-c', 'show fsync'])).toBe('on');
    expect(docker(['exec', name, 'find', '/var/lib/postgresql/data/base', '-maxdepth', '1', '-type', 'l'])).toBe('');
    // The operators' views list sandboxes only.
    const admin = h!.token('ops', 'admin');
    const listed = await h!.request('GET', '/api/admin/sandboxes', admin);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(name);
    expect((await h!.request('GET', '/healthz')).body).toMatchObject({ status: 'ok', control: 'ok' });
  });

  it('keeps every record across a restart of its container and of the controller', async () => {
    await store().recordUse('alice', at);
    await store().putArchive({ ...archive, userId: 'alice', kind: 'hibernation', name: 'latest', key: 'alice/1' }, true);
    await store().putArchive(archive);
    const before = { users: await store().users(), archives: await store().archives() };
    expect(before.users.map((u) => u.userId)).toEqual(['alice', 'bob']);

    docker(['restart', name]);
    await answersAgain();
    expect({ users: await store().users(), archives: await store().archives() }).toEqual(before);

    const id = JSON.parse(docker(['inspect', name]))[0].Id;
    await restart();
    expect(JSON.parse(docker(['inspect', name]))[0].Id).toBe(id); // the same container, adopted by nobody
    expect({ users: await store().users(), archives: await store().archives() }).toEqual(before);
  });

  it('while it is down: a clear 503-kind error and an unhealthy /healthz; afterwards it works again, nothing lost', async () => {
    await store().recordUse('carol', at);
    docker(['stop', name]);
    try {
      await expect(store().user('carol')).rejects.toBeInstanceOf(ControlStoreUnavailableError);
      await expect(store().putArchive({ ...archive, userId: 'carol', key: 'carol/1' })).rejects.toMatchObject({ status: 503 });
      const health = await h!.request('GET', '/healthz');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'unavailable', control: 'unreachable' });
    } finally {
      docker(['start', name]);
    }
    await answersAgain();
    expect(await store().user('carol')).toMatchObject({ userId: 'carol', lastUsedAt: at });
    expect((await h!.request('GET', '/healthz')).body).toMatchObject({ control: 'ok' });
  });

  it('is created again on its volume when its container is removed', async () => {
    docker(['rm', '-f', name]);
    await restart();
    expect((await store().users()).map((u) => u.userId)).toEqual(['alice', 'bob', 'carol']);
  });
});

describe('CONTROL_DATABASE_URL pointing at another Postgres', () => {
  it('keeps the records there and starts no control container of its own', async () => {
    const prefix = testPrefix();
    const url = await testControlDatabaseUrl(prefix);
    const h = await startHarness({ SANDBOX_PREFIX: prefix, CONTROL_DATABASE_URL: url, SANDBOX_WARM_POOL: '0' });
    try {
      await h.app.get(ControlStore).recordUse('dora', new Date());
      expect(docker(['ps', '-aq', '--filter', `label=pgsbx.control=${prefix}`])).toBe('');
      const db = testControlDatabaseName(prefix);
      expect(sharedControlPsql(db, 'select user_id from pgsbx_control.users')).toBe('dora');
    } finally {
      await h.close();
    }
  });
});
