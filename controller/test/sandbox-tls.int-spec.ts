import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Clock } from '../src/common/clock';
import { loadConfig } from '../src/config/app-config';
import { SandboxCertificateError } from '../src/database/checked-tls-stream';
import { PgSandboxConnector } from '../src/database/pg-sandbox-connector';
import { ProtocolViolationError } from '../src/database/protocol-frames';
import type { SandboxEndpoint } from '../src/runtime/container-runtime';
import { SandboxAuthority, SandboxCredentials } from '../src/tls/sandbox-authority';
import { docker, testPrefix } from './support/harness';
import { sandboxConnectionContract } from './support/sandbox-connection.contract';

/**
 * The swarm data path on one engine: the sandbox image given a credentials file (as a swarm
 * secret gives it) on a bridge network, reached from the host as the controller reaches it across
 * the overlay — TLS verified against the controller's CA with the sandbox's name, SCRAM, the
 * protocol frame checker in front of pg. The real swarm runs it in test/cluster/.
 */
describe('a sandbox over TLS + SCRAM (the swarm data path)', () => {
  const prefix = testPrefix();
  const network = `${prefix}-tls-net`;
  const image = process.env.SANDBOX_IMAGE ?? 'pgsbx/postgres:17';
  const dir = mkdtempSync(join(tmpdir(), 'pgsbx-tls-'));
  const config = loadConfig({ SANDBOX_CA_DIR: join(dir, 'ca'), LOG_LEVEL: 'error' });
  const authority = new SandboxAuthority(config);
  const connector = new PgSandboxConnector(config, new Clock(), authority);
  let creds: SandboxCredentials;
  let subnet: string;
  let endpoint: Extract<SandboxEndpoint, { kind: 'tcp' }>;

  /** A sandbox container with the given credentials file, hardened as the runtimes make them. */
  function startSandbox(name: string, bundle: string, peerSubnet: string): string {
    const file = join(dir, `${name}.pem`);
    writeFileSync(file, bundle, { mode: 0o400 });
    chownSync(file, 999, 999);
    docker([
      'run',
      '-d',
      '--name',
      name,
      '--label',
      `pgsbx.prefix=${prefix}`,
      '--network',
      network,
      '--read-only',
      '--user',
      '999:999',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      '--tmpfs',
      '/var/lib/postgresql/data:uid=999,gid=999,mode=0700,size=256m',
      '--tmpfs',
      '/var/run/postgresql:uid=999,gid=999,mode=0700',
      '--tmpfs',
      '/tmp',
      '-e',
      `PGSBX_PEER_SUBNET=${peerSubnet}`,
      '-v',
      `${file}:/run/secrets/pgsbx-sandbox:ro`,
      image,
    ]);
    return docker(['inspect', '-f', `{{ (index .NetworkSettings.Networks "${network}").IPAddress }}`, name]);
  }

  beforeAll(async () => {
    docker(['network', 'create', '--label', `pgsbx.prefix=${prefix}`, network]);
    subnet = docker(['network', 'inspect', '-f', '{{ (index .IPAM.Config 0).Subnet }}', network]);
    creds = await authority.issue();
    const host = startSandbox(`${prefix}-tls-a`, creds.bundle, subnet);
    endpoint = { kind: 'tcp', host, port: 5432, servername: creds.servername };
    await (await connector.waitReady(endpoint, 30_000)).end();
  }, 60_000);

  afterAll(() => {
    const ids = docker(['ps', '-aq', '--filter', `label=pgsbx.prefix=${prefix}`])
      .split('\n')
      .filter(Boolean);
    if (ids.length) docker(['rm', '-f', ...ids]);
    execFileSync('docker', ['network', 'rm', network], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });

  // The contract every connector keeps (the fake, the Unix socket path), here across the network.
  sandboxConnectionContract(() => ({
    connector,
    endpoint,
    missing: { endpoint: { ...endpoint, port: 5433 }, code: 'ECONNREFUSED' },
  }));

  it('refuses a certificate made for another sandbox by the same CA: the name must match', async () => {
    const other = await authority.issue();
    await expect(connector.connect({ ...endpoint, servername: other.servername }, 'sandbox')).rejects.toBeInstanceOf(
      SandboxCertificateError,
    );
    // waitReady keeps trying (a reused name may still resolve to an old task), then says why it gave up.
    await expect(connector.waitReady({ ...endpoint, servername: other.servername }, 500)).rejects.toThrow(
      /within 500 ms: .*certificate was refused/,
    );
  });

  it("refuses a certificate from another CA, even for the expected name: a server that is not the controller's sandbox", async () => {
    const strangerConfig = loadConfig({ SANDBOX_CA_DIR: join(dir, 'stranger-ca'), LOG_LEVEL: 'error' });
    const stranger = new PgSandboxConnector(strangerConfig, new Clock(), new SandboxAuthority(strangerConfig));
    await expect(stranger.connect(endpoint, 'sandbox')).rejects.toBeInstanceOf(SandboxCertificateError);
  });

  it('pg_hba: no plain TCP, no wrong password, no other role, no other database', async () => {
    const password = await authority.password('sandbox', creds.servername);
    const attempt = async (opts: { ssl: boolean; user?: string; database?: string; password?: string }) => {
      const c = new Client({
        host: endpoint.host,
        port: 5432,
        user: opts.user ?? 'sandbox',
        database: opts.database ?? 'sandbox',
        password: opts.password ?? password,
        ssl: opts.ssl ? { rejectUnauthorized: false } : false,
        connectionTimeoutMillis: 5000,
      });
      try {
        await c.connect();
        await c.end();
        return 'connected';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(await attempt({ ssl: true })).toBe('connected'); // the yardstick: the right everything works
    expect(await attempt({ ssl: false })).toMatch(/pg_hba.conf rejects connection .* no encryption/);
    expect(await attempt({ ssl: true, password: 'wrong' })).toMatch(/password authentication failed/);
    expect(await attempt({ ssl: true, user: 'postgres' })).toMatch(/pg_hba.conf rejects connection .*user "postgres"/);
    expect(await attempt({ ssl: true, database: 'template1' })).toMatch(/pg_hba.conf rejects connection/);
    // The admin role has its own password, not the user's.
    expect(await attempt({ ssl: true, user: 'pgsbx_admin' })).toMatch(/password authentication failed/);
  });

  it('pg_hba admits only the given subnet: a sandbox told another subnet refuses the controller', async () => {
    const c = await authority.issue();
    const host = startSandbox(`${prefix}-tls-b`, c.bundle, '10.254.0.0/16');
    // An authentication refusal ends the wait at once (28000): waiting would not change pg_hba.
    const err = await connector.waitReady({ kind: 'tcp', host, port: 5432, servername: c.servername }, 20_000).catch((e: Error) => e);
    expect(err).toMatchObject({ code: '28000', message: expect.stringMatching(/pg_hba.conf rejects connection .*SSL encryption/) });
  }, 40_000);

  it('keeps the protocol frame checker in front of pg: a hostile server with a valid certificate is cut off', async () => {
    const hostile = await authority.issue();
    const server: Server = createServer({ key: hostile.bundle, cert: hostile.bundle, ALPNProtocols: ['postgresql'] }, (s) => {
      s.once('data', () => s.write(Buffer.from([0x51, 0x7f, 0xff, 0xff, 0xff]))); // unknown type, 2 GiB length
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      await expect(
        connector.connect({ kind: 'tcp', host: '127.0.0.1', port, servername: hostile.servername }, 'sandbox'),
      ).rejects.toBeInstanceOf(ProtocolViolationError);
    } finally {
      server.close();
    }
  });

  // A sandbox's server is the sandbox's to replace (SECURITY.md): asked for the password in clear
  // or as MD5, pg would send it. The server gets SCRAM (whose proof it cannot replay elsewhere) or nothing.
  it.each([
    ['in clear', 3],
    ['as MD5', 5],
  ])('a server with a valid certificate that asks for the password %s never receives it', async (_how, authType) => {
    const hostile = await authority.issue();
    const received: Buffer[] = [];
    const server: Server = createServer({ key: hostile.bundle, cert: hostile.bundle, ALPNProtocols: ['postgresql'] }, (s) => {
      s.on('error', () => undefined);
      s.once('data', () => {
        const ask = Buffer.alloc(authType === 5 ? 13 : 9);
        ask.write('R', 0);
        ask.writeInt32BE(ask.length - 1, 1);
        ask.writeInt32BE(authType, 5);
        s.write(ask);
        s.on('data', (b: Buffer) => received.push(b));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const err = await connector
        .connect({ kind: 'tcp', host: '127.0.0.1', port, servername: hostile.servername }, 'pgsbx_admin')
        .catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 200)); // anything pg would have sent has arrived by now
      const sent = Buffer.concat(received);
      expect(sent.includes(Buffer.from(await authority.password('pgsbx_admin', hostile.servername)))).toBe(false);
      expect(sent.includes(Buffer.from('md5'))).toBe(false);
      expect(err).toBeInstanceOf(ProtocolViolationError);
    } finally {
      server.close();
    }
  });

  it('the sandbox holds only SCRAM verifiers: its credentials file has no password in it', async () => {
    for (const role of ['sandbox', 'pgsbx_admin']) expect(creds.bundle).not.toContain(await authority.password(role, creds.servername));
    expect(creds.bundle.match(/^pgsbx-scram (sandbox|pgsbx_admin) SCRAM-SHA-256\$4096:/gm)).toHaveLength(2);
  });
});
