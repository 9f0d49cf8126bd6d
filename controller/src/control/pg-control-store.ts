import { Pool, PoolClient, PoolConfig, QueryResultRow } from 'pg';
import { JsonLogger } from '../common/json-logger';
import { controlQuery, controlTransaction } from './pg-control-pool';
import { ArchiveKind, ArchiveRecord, ControlStore, ControlStoreUnavailableError, UserRecord } from './control-store';
import { CONTROL_MIGRATIONS, CONTROL_SCHEMA } from './pg-control-migrations';

/** Where the control database is: a URL, or a socket directory (the embedded container). */
export type ControlDatabaseTarget = { connectionString: string } | { host: string; user: string; database: string };

export interface PgControlStoreOptions {
  /** Resolved at init(): the embedded container is only ensured (started or created) then. */
  target: () => Promise<ControlDatabaseTarget>;
  log: JsonLogger;
  /** How long init() waits for the database to accept connections (a container just started). */
  readyTimeoutMs: number;
}

// Any fixed number: every controller sharing the database takes the same lock to migrate.
const MIGRATION_LOCK = 7_012_311_011;
const S = CONTROL_SCHEMA;
const USER_COLUMNS = 'user_id, hibernated, last_used_at, last_error';
const ARCHIVE_COLUMNS = 'user_id, kind, name, key, bytes, sha256, created_at';

/**
 * The ControlStore in Postgres (this folder, notebooks/ and database/ are the only importers of pg). Every
 * statement is parameterised and schema-qualified. pg's Pool reconnects by itself after the
 * database restarts; a query that fails because the database is away throws
 * ControlStoreUnavailableError (503), never a 500.
 */
export class PgControlStore extends ControlStore {
  private pool: Pool | undefined;

  constructor(private readonly options: PgControlStoreOptions) {
    super();
  }

  async init(): Promise<void> {
    const target = await this.options.target();
    const pool = new Pool({
      ...(target as PoolConfig),
      max: 4,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 5_000,
      statement_timeout: 10_000,
      application_name: 'pgsbx-controller',
    });
    // An idle client whose server went away (a restart) emits this; without a listener it would
    // crash the process. The pool drops that client and opens a new one on the next query.
    pool.on('error', (e) => this.options.log.event('warn', 'control', 'control database connection lost', { error: e.message }));
    this.pool = pool;
    await this.waitReady();
    await this.migrate();
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async recordUse(userId: string, at: Date): Promise<void> {
    await this.query(
      `INSERT INTO ${S}.users (user_id, last_used_at) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET last_used_at = greatest(${S}.users.last_used_at, excluded.last_used_at)`,
      [userId, at],
    );
  }

  async user(userId: string): Promise<UserRecord | null> {
    const rows = await this.query(`SELECT ${USER_COLUMNS} FROM ${S}.users WHERE user_id = $1`, [userId]);
    return rows.length ? toUser(rows[0]) : null;
  }

  async users(filter: { hibernated?: boolean } = {}): Promise<UserRecord[]> {
    const rows =
      filter.hibernated === undefined
        ? await this.query(`SELECT ${USER_COLUMNS} FROM ${S}.users ORDER BY user_id COLLATE "C"`)
        : await this.query(`SELECT ${USER_COLUMNS} FROM ${S}.users WHERE hibernated = $1 ORDER BY user_id COLLATE "C"`, [
            filter.hibernated,
          ]);
    return rows.map(toUser);
  }

  async unusedSince(before: Date): Promise<UserRecord[]> {
    const rows = await this.query(
      `SELECT ${USER_COLUMNS} FROM ${S}.users WHERE last_used_at < $1 ORDER BY last_used_at, user_id COLLATE "C"`,
      [before],
    );
    return rows.map(toUser);
  }

  async setLastError(userId: string, error: string | undefined): Promise<void> {
    await this.query(`UPDATE ${S}.users SET last_error = $2 WHERE user_id = $1`, [userId, error ?? null]);
  }

  async putArchive(archive: ArchiveRecord, hibernated?: boolean): Promise<ArchiveRecord | null> {
    return this.transaction(async (c) => {
      // The user's row, created when missing, is locked first: puts for one user run one at a
      // time, so each sees the record it replaces.
      await c.query(
        `INSERT INTO ${S}.users (user_id, hibernated, last_used_at) VALUES ($1, coalesce($2, false), $3)
         ON CONFLICT (user_id) DO UPDATE SET hibernated = coalesce($2, ${S}.users.hibernated)`,
        [archive.userId, hibernated ?? null, archive.createdAt],
      );
      const old = await c.query<Row>(`SELECT ${ARCHIVE_COLUMNS} FROM ${S}.archives WHERE user_id = $1 AND kind = $2 AND name = $3`, [
        archive.userId,
        archive.kind,
        archive.name,
      ]);
      await c.query(
        `INSERT INTO ${S}.archives (${ARCHIVE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id, kind, name) DO UPDATE
           SET key = excluded.key, bytes = excluded.bytes, sha256 = excluded.sha256, created_at = excluded.created_at`,
        [archive.userId, archive.kind, archive.name, archive.key, archive.bytes, archive.sha256, archive.createdAt],
      );
      return old.rows.length ? toArchive(old.rows[0]) : null;
    });
  }

  async setHibernated(userId: string, hibernated: boolean): Promise<void> {
    await this.query(`UPDATE ${S}.users SET hibernated = $2 WHERE user_id = $1`, [userId, hibernated]);
  }

  async archive(userId: string, kind: ArchiveKind, name: string): Promise<ArchiveRecord | null> {
    const rows = await this.query(`SELECT ${ARCHIVE_COLUMNS} FROM ${S}.archives WHERE user_id = $1 AND kind = $2 AND name = $3`, [
      userId,
      kind,
      name,
    ]);
    return rows.length ? toArchive(rows[0]) : null;
  }

  async archives(userId?: string): Promise<ArchiveRecord[]> {
    // COLLATE "C": ties in code-point order whatever the database's locale (the fake's order too).
    const order = 'ORDER BY created_at, user_id COLLATE "C", kind, name COLLATE "C"';
    const rows =
      userId === undefined
        ? await this.query(`SELECT ${ARCHIVE_COLUMNS} FROM ${S}.archives ${order}`)
        : await this.query(`SELECT ${ARCHIVE_COLUMNS} FROM ${S}.archives WHERE user_id = $1 ${order}`, [userId]);
    return rows.map(toArchive);
  }

  async deleteArchive(userId: string, kind: ArchiveKind, name: string): Promise<ArchiveRecord | null> {
    const rows = await this.query(`DELETE FROM ${S}.archives WHERE user_id = $1 AND kind = $2 AND name = $3 RETURNING ${ARCHIVE_COLUMNS}`, [
      userId,
      kind,
      name,
    ]);
    return rows.length ? toArchive(rows[0]) : null;
  }

  async deleteUser(userId: string): Promise<ArchiveRecord[]> {
    return this.transaction(async (c) => {
      const removed = await c.query<Row>(`DELETE FROM ${S}.archives WHERE user_id = $1 RETURNING ${ARCHIVE_COLUMNS}`, [userId]);
      await c.query(`DELETE FROM ${S}.users WHERE user_id = $1`, [userId]);
      return removed.rows.map(toArchive).sort(byCreation);
    });
  }

  /** Retries connecting until the database answers (a container just started) or the bound passes. */
  private async waitReady(): Promise<void> {
    const deadline = Date.now() + this.options.readyTimeoutMs;
    let delay = 50;
    for (;;) {
      try {
        await this.query('SELECT 1');
        return;
      } catch (e) {
        if (!(e instanceof ControlStoreUnavailableError) || Date.now() + delay > deadline) throw e;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(500, delay * 2);
    }
  }

  private async migrate(): Promise<void> {
    const applied = await this.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${S}`);
      await c.query(
        `CREATE TABLE IF NOT EXISTS ${S}.control_migrations (id int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = new Set((await c.query<{ id: number }>(`SELECT id FROM ${S}.control_migrations`)).rows.map((r) => r.id));
      const newest = CONTROL_MIGRATIONS[CONTROL_MIGRATIONS.length - 1].id;
      const unknown = [...done].filter((id) => id > newest);
      if (unknown.length) {
        throw new Error(
          `the control database has migration ${Math.max(...unknown)}, newer than this controller knows (${newest}): run a newer controller`,
        );
      }
      const pending = CONTROL_MIGRATIONS.filter((m) => !done.has(m.id));
      for (const m of pending) {
        await c.query(m.sql);
        await c.query(`INSERT INTO ${S}.control_migrations (id, name) VALUES ($1, $2)`, [m.id, m.name]);
      }
      return pending.map((m) => m.id);
    });
    if (applied.length) this.options.log.event('info', 'control', 'control database migrated', { applied });
  }

  private query<R extends QueryResultRow = Row>(sql: string, params: unknown[] = []): Promise<R[]> {
    return controlQuery<R>(this.pool, sql, params);
  }

  private transaction<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    return controlTransaction(this.pool, fn);
  }
}

type Row = Record<string, unknown>;

function toUser(r: Row): UserRecord {
  const u: UserRecord = { userId: r.user_id as string, hibernated: r.hibernated as boolean, lastUsedAt: r.last_used_at as Date };
  if (r.last_error !== null) u.lastError = r.last_error as string;
  return u;
}

function toArchive(r: Row): ArchiveRecord {
  return {
    userId: r.user_id as string,
    kind: r.kind as ArchiveKind,
    name: r.name as string,
    key: r.key as string,
    bytes: Number(r.bytes),
    sha256: r.sha256 as string,
    createdAt: r.created_at as Date,
  };
}

function byCreation(a: ArchiveRecord, b: ArchiveRecord): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || codePoints(a.kind, b.kind) || codePoints(a.name, b.name);
}

function codePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
