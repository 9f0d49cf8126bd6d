import type { BlockList } from 'node:net';
import { parseSubnets } from '../http/refuse-subnets';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseBytes, parseDuration } from '../common/duration';

/** The environment, validated once at start-up. A bad value stops the start, naming the variable. */
export class AppConfig {
  port!: number;
  host!: string;
  production!: boolean;
  jwtSecret!: string;
  jwtSecretGenerated!: boolean;
  devLogin!: boolean;
  /** Host names served besides loopback when dev login is on (lower case, no port). */
  allowedHosts!: string[];
  tokenTtlSeconds!: number;
  image!: string;
  prefix!: string;
  warmPool!: number;
  maxSandboxes!: number;
  idleTimeoutMs!: number;
  reapIntervalMs!: number;
  maxLifetimeMs!: number;
  statementTimeoutMs!: number;
  requestTimeoutMs!: number;
  memoryBytes!: number;
  dataBytes!: number;
  cpus!: number;
  pidsLimit!: number;
  maxRows!: number;
  maxSqlBytes!: number;
  maxResponseBytes!: number;
  maxSessions!: number;
  maxStatements!: number;
  startConcurrency!: number;
  readyTimeoutMs!: number;
  rateLimitPerMinute!: number;
  webDist!: string;
  dockerSocket!: string;
  /** `docker`: containers on one engine; `swarm`: services on a Docker Swarm (docs/SWARM.md). */
  runtime!: 'docker' | 'swarm';
  /** The engine the swarm runtime talks to (a manager): `unix:///path` or `tcp://host:port`. */
  dockerHost!: string;
  /** Swarm placement constraints of every sandbox service (`node.labels.pool==sandboxes`). */
  placement!: string[];
  /** The overlay network sandbox services join (swarm). */
  swarmNetwork!: string;
  /** Hosts in these networks never reach the API (the sandboxes' overlay on a swarm: deploy/stack.yaml). */
  apiRefuseSubnets!: BlockList;
  /** Where the swarm runtime keeps the CA it signs sandbox certificates with (0700; docs/SWARM.md). */
  caDir!: string;
  logLevel!: 'debug' | 'info' | 'warn' | 'error';
  /** Any Postgres for the controller's own state; '' = the embedded control container (issue 11). */
  controlDatabaseUrl!: string;
  archiveDir!: string;
  /** Per user, all their archives together (hibernation + checkpoints). */
  archiveMaxBytes!: number;
  /** Archives of users unseen this long are deleted. */
  retentionMs!: number;
  maxCheckpoints!: number;
  /** Idle, over-age and evicted sandboxes are hibernated (saved) instead of destroyed. */
  hibernate!: boolean;
  /** Controller shutdown hibernates every sandbox, for at most shutdownGraceMs (the rest are adopted next start). */
  hibernateOnShutdown!: boolean;
  shutdownGraceMs!: number;
  /** A sandbox used since its last save is saved again after this long (0: off); what a lost container can lose. */
  autosaveMs!: number;
  /** Longest a pg_dump or pg_restore may run before it is abandoned (the save or wake fails cleanly). */
  archiveTimeoutMs!: number;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

export function loadConfig(env: Env = process.env): AppConfig {
  const errors: string[] = [];
  const read = <T>(name: string, fallback: string, parse: (v: string) => T): T => {
    const raw = env[name] === undefined || env[name] === '' ? fallback : env[name];
    try {
      return parse(raw);
    } catch (e) {
      errors.push(`${name}=${JSON.stringify(raw)}: ${(e as Error).message}`);
      return undefined as T;
    }
  };
  const int = (min: number, max: number) => (v: string) => {
    if (!/^\d+$/.test(v.trim())) throw new Error(`expected a whole number from ${min} to ${max}`);
    const n = Number(v);
    if (n < min || n > max) throw new Error(`expected a whole number from ${min} to ${max}`);
    return n;
  };
  const duration = (minMs: number) => (v: string) => {
    const ms = parseDuration(v);
    if (ms < minMs) throw new Error(`must be at least ${minMs} ms`);
    return ms;
  };
  const bool = (v: string) => {
    if (/^(1|on|true|yes)$/i.test(v)) return true;
    if (/^(0|off|false|no)$/i.test(v)) return false;
    throw new Error('expected on or off');
  };
  const bytes = (min: number) => (v: string) => {
    const n = parseBytes(v);
    if (n < min) throw new Error(`must be at least ${Math.round(min / 1024 / 1024)}m`);
    return n;
  };

  const production = env.NODE_ENV === 'production';
  const c = new AppConfig();
  c.production = production;
  c.port = read('PORT', '3000', int(0, 65535));
  c.host = read('HOST', '127.0.0.1', (v) => v);
  c.devLogin = read('AUTH_DEV_LOGIN', production ? 'off' : 'on', bool);
  c.allowedHosts = read('ALLOWED_HOSTS', '', (v) =>
    v
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean)
      .map((h) => {
        if (!/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.?)+$|^\[[0-9a-f:.]+\]$/.test(h)) {
          throw new Error(`"${h}" is not a host name (write names like sandbox.example.com or [::1], no port, comma-separated)`);
        }
        return h.replace(/\.$/, '');
      }),
  );
  c.jwtSecretGenerated = !env.JWT_SECRET;
  c.jwtSecret = read('JWT_SECRET', '', (v) => {
    if (v === '') {
      if (production || !c.devLogin) throw new Error('must be set (at least 32 characters) when dev login is off');
      return randomBytes(32).toString('hex');
    }
    if (v.length < 32) throw new Error('must be at least 32 characters');
    return v;
  });
  c.tokenTtlSeconds = Math.round(read('AUTH_TOKEN_TTL', '12h', duration(1000)) / 1000);
  c.image = read('SANDBOX_IMAGE', 'pgsbx/postgres:17', (v) => v);
  c.prefix = read('SANDBOX_PREFIX', 'pgsbx', (v) => {
    if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(v)) throw new Error('expected lower-case letters, digits and -, at most 31');
    return v;
  });
  c.warmPool = read('SANDBOX_WARM_POOL', '2', int(0, 100));
  c.maxSandboxes = read('SANDBOX_MAX', '50', int(1, 10000));
  c.idleTimeoutMs = read('SANDBOX_IDLE_TIMEOUT', '15m', duration(1000));
  c.reapIntervalMs = read('SANDBOX_REAP_INTERVAL', '30s', duration(100));
  c.maxLifetimeMs = read('SANDBOX_MAX_LIFETIME', '12h', duration(1000));
  c.statementTimeoutMs = read('SANDBOX_STATEMENT_TIMEOUT', '10s', duration(100));
  c.requestTimeoutMs = read('SANDBOX_REQUEST_TIMEOUT', '60s', duration(100));
  c.memoryBytes = read('SANDBOX_MEMORY', '512m', bytes(64 * 1024 * 1024));
  c.dataBytes = read('SANDBOX_DATA_SIZE', '256m', bytes(64 * 1024 * 1024));
  c.cpus = read('SANDBOX_CPUS', '1', (v) => {
    const n = Number(v);
    if (!(n > 0 && n <= 64)) throw new Error('expected a number of CPUs such as 0.5 or 1');
    return n;
  });
  c.pidsLimit = read('SANDBOX_PIDS', '64', int(16, 4096));
  c.maxRows = read('SANDBOX_MAX_ROWS', '10000', int(1, 1_000_000));
  c.maxSqlBytes = read('SANDBOX_MAX_SQL', '100k', bytes(1));
  c.maxResponseBytes = read('SANDBOX_MAX_RESPONSE', '64m', bytes(1024 * 1024));
  c.maxSessions = read('SANDBOX_MAX_SESSIONS', '4', int(1, 10));
  c.maxStatements = read('SANDBOX_MAX_STATEMENTS', '1000', int(1, 100_000));
  c.startConcurrency = read('SANDBOX_START_CONCURRENCY', '4', int(1, 64));
  c.readyTimeoutMs = read('SANDBOX_READY_TIMEOUT', '30s', duration(1000));
  c.rateLimitPerMinute = read('RATE_LIMIT_PER_MINUTE', '600', int(0, 1_000_000));
  c.webDist = read('WEB_DIST', resolve(__dirname, '../../../web/dist'), (v) => resolve(v));
  c.dockerSocket = read('DOCKER_SOCKET', '/var/run/docker.sock', (v) => v);
  c.runtime = read('SANDBOX_RUNTIME', 'docker', (v) => {
    if (v !== 'docker' && v !== 'swarm') throw new Error('expected docker or swarm');
    return v;
  });
  c.dockerHost = read('SANDBOX_DOCKER_HOST', `unix://${c.dockerSocket}`, (v) => {
    if (!/^unix:\/\/\/.+$|^tcp:\/\/[^/:]+:\d{1,5}$/.test(v)) throw new Error('expected unix:///path/to/docker.sock or tcp://host:port');
    return v;
  });
  c.placement = read('SANDBOX_PLACEMENT', '', (v) =>
    v
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        if (!/^[A-Za-z0-9_.-]+ ?(==|!=) ?[A-Za-z0-9_.:-]+$/.test(p)) {
          throw new Error(`"${p}" is not a constraint (write node.labels.NAME==VALUE or node.role!=manager, comma-separated)`);
        }
        return p;
      }),
  );
  c.swarmNetwork = read('SANDBOX_SWARM_NETWORK', 'pgsbx-sandboxes', (v) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(v)) throw new Error('expected a network name');
    return v;
  });
  c.apiRefuseSubnets = read('API_REFUSE_SUBNETS', '', parseSubnets);
  c.caDir = read('SANDBOX_CA_DIR', '/var/lib/pgsbx/ca', (v) => resolve(v));
  c.logLevel = read('LOG_LEVEL', 'info', (v) => {
    if (!['debug', 'info', 'warn', 'error'].includes(v)) throw new Error('expected debug, info, warn or error');
    return v as AppConfig['logLevel'];
  });
  c.controlDatabaseUrl = read('CONTROL_DATABASE_URL', '', (v) => {
    if (v !== '' && !/^postgres(ql)?:\/\//.test(v))
      throw new Error('expected a postgres:// URL, or empty for the embedded control database');
    return v;
  });
  if (c.runtime === 'swarm' && c.controlDatabaseUrl === '') {
    errors.push(
      'CONTROL_DATABASE_URL: must be set with SANDBOX_RUNTIME=swarm (the embedded control database runs on the docker runtime only)',
    );
  }
  c.archiveDir = read('SANDBOX_ARCHIVE_DIR', '/var/lib/pgsbx/archives', (v) => resolve(v));
  c.archiveMaxBytes = read('SANDBOX_ARCHIVE_MAX', '1g', bytes(1024 * 1024));
  c.retentionMs = read('SANDBOX_RETENTION', '30d', duration(60_000));
  c.maxCheckpoints = read('SANDBOX_MAX_CHECKPOINTS', '5', int(0, 100));
  c.hibernate = read('SANDBOX_HIBERNATE', 'on', bool);
  c.hibernateOnShutdown = read('SANDBOX_HIBERNATE_ON_SHUTDOWN', 'on', bool);
  c.shutdownGraceMs = read('SANDBOX_SHUTDOWN_GRACE', '30s', duration(0));
  c.autosaveMs = read('SANDBOX_AUTOSAVE', '5m', (v) => (/^(0|off)$/i.test(v) ? 0 : duration(1000)(v)));
  c.archiveTimeoutMs = read('SANDBOX_ARCHIVE_TIMEOUT', '10m', duration(1000));
  if (errors.length) throw new ConfigError(`invalid configuration:\n  ${errors.join('\n  ')}`);
  return c;
}
