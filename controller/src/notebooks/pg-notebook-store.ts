import { Pool, PoolClient, PoolConfig } from 'pg';
import { JsonLogger } from '../common/json-logger';
import { controlQuery, controlTransaction } from '../control/pg-control-pool';
import { CONTROL_SCHEMA } from '../control/pg-control-migrations';
import type { ControlDatabaseTarget } from '../control/pg-control-store';
import { NewNotebook, NotebookRecord, NotebookStore, NotebookSummaryRecord, ShareRecord, UpdateOutcome } from './notebook-store';

export interface PgNotebookStoreOptions {
  target: () => Promise<ControlDatabaseTarget>;
  log: JsonLogger;
}

const S = CONTROL_SCHEMA;
// Summary columns of n (notebooks) and s (shares, left-joined).
const SUMMARY = 'n.id, n.owner, n.name, n.created_at, n.updated_at, n.version, octet_length(n.content) AS bytes, s.token AS share_token';
const FROM = `${S}.notebooks n LEFT JOIN ${S}.shares s ON s.notebook_id = n.id`;
const SHARE_COLUMNS = 'token, notebook_id, created_at, updated_at, snapshot';
// A second key space for pg_advisory_xact_lock(int, int): creates of one owner run one at a time.
const OWNER_LOCK = 1_302;

/**
 * The NotebookStore in the control database: its own small pool to the same database as
 * PgControlStore (whose migrations made the tables). Like it, every statement is parameterised,
 * and a database that cannot be reached is a 503 (ControlStoreUnavailableError), never a 500.
 */
export class PgNotebookStore extends NotebookStore {
  private pool: Pool | undefined;

  constructor(private readonly options: PgNotebookStoreOptions) {
    super();
  }

  async init(): Promise<void> {
    const pool = new Pool({
      ...((await this.options.target()) as PoolConfig),
      max: 3,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 5_000,
      statement_timeout: 10_000,
      application_name: 'pgsbx-notebooks',
    });
    pool.on('error', (e) => this.options.log.event('warn', 'notebooks', 'control database connection lost', { error: e.message }));
    this.pool = pool;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  async list(owner: string): Promise<NotebookSummaryRecord[]> {
    const rows = await this.query(`SELECT ${SUMMARY} FROM ${FROM} WHERE n.owner = $1 ORDER BY n.updated_at DESC, n.id`, [owner]);
    return rows.map(toSummary);
  }

  async get(owner: string, id: string): Promise<NotebookRecord | null> {
    const rows = await this.query(`SELECT ${SUMMARY}, n.content FROM ${FROM} WHERE n.owner = $1 AND n.id = $2`, [owner, id]);
    return rows.length ? toNotebook(rows[0]) : null;
  }

  async create(n: NewNotebook, maxPerOwner: number): Promise<NotebookRecord | null> {
    return this.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [OWNER_LOCK, n.owner]);
      const { rows } = await c.query<{ count: string }>(`SELECT count(*) FROM ${S}.notebooks WHERE owner = $1`, [n.owner]);
      if (Number(rows[0].count) >= maxPerOwner) return null;
      await c.query(
        `INSERT INTO ${S}.notebooks (id, owner, name, content, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $5, 1)`,
        [n.id, n.owner, n.name, n.content, n.at],
      );
      return { id: n.id, owner: n.owner, name: n.name, content: n.content, createdAt: n.at, updatedAt: n.at, version: 1, shareToken: null };
    });
  }

  async update(
    owner: string,
    id: string,
    expectedVersion: number,
    change: { name?: string; content?: string },
    at: Date,
  ): Promise<UpdateOutcome> {
    const updated = await this.query(
      `UPDATE ${S}.notebooks n SET name = coalesce($4, name), content = coalesce($5, content), updated_at = $6, version = version + 1
       WHERE owner = $1 AND id = $2 AND version = $3
       RETURNING n.*, octet_length(n.content) AS bytes, (SELECT token FROM ${S}.shares WHERE notebook_id = n.id) AS share_token`,
      [owner, id, expectedVersion, change.name ?? null, change.content ?? null, at],
    );
    if (updated.length) return { kind: 'updated', notebook: toNotebook(updated[0]) };
    const now = await this.query(`SELECT version FROM ${S}.notebooks WHERE owner = $1 AND id = $2`, [owner, id]);
    return now.length ? { kind: 'stale', version: now[0].version as number } : { kind: 'missing' };
  }

  async delete(owner: string, id: string): Promise<boolean> {
    return (await this.query(`DELETE FROM ${S}.notebooks WHERE owner = $1 AND id = $2 RETURNING id`, [owner, id])).length > 0;
  }

  async share(owner: string, id: string, token: string, snapshot: string, at: Date): Promise<ShareRecord | null> {
    return this.transaction(async (c) => {
      // The notebook's row locked: a share racing a delete either sees it or does not.
      const own = await c.query(`SELECT id FROM ${S}.notebooks WHERE owner = $1 AND id = $2 FOR UPDATE`, [owner, id]);
      if (!own.rows.length) return null;
      const { rows } = await c.query<Row>(
        `INSERT INTO ${S}.shares (${SHARE_COLUMNS}) VALUES ($1, $2, $3, $3, $4)
         ON CONFLICT (notebook_id) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at
         RETURNING ${SHARE_COLUMNS}`,
        [token, id, at, snapshot],
      );
      return toShare(rows[0]);
    });
  }

  async unshare(owner: string, id: string): Promise<boolean> {
    const rows = await this.query(
      `DELETE FROM ${S}.shares s USING ${S}.notebooks n WHERE s.notebook_id = n.id AND n.owner = $1 AND n.id = $2 RETURNING s.token`,
      [owner, id],
    );
    return rows.length > 0;
  }

  async shared(token: string): Promise<ShareRecord | null> {
    const rows = await this.query(`SELECT ${SHARE_COLUMNS} FROM ${S}.shares WHERE token = $1`, [token]);
    return rows.length ? toShare(rows[0]) : null;
  }

  private query(sql: string, params: unknown[] = []): Promise<Row[]> {
    return controlQuery<Row>(this.pool, sql, params);
  }

  private transaction<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    return controlTransaction(this.pool, fn);
  }
}

type Row = Record<string, unknown>;

function toSummary(r: Row): NotebookSummaryRecord {
  return {
    id: r.id as string,
    owner: r.owner as string,
    name: r.name as string,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
    version: r.version as number,
    bytes: Number(r.bytes),
    shareToken: (r.share_token as string | null) ?? null,
  };
}

function toNotebook(r: Row): NotebookRecord {
  const { bytes: _bytes, ...summary } = toSummary(r);
  return { ...summary, content: r.content as string };
}

function toShare(r: Row): ShareRecord {
  return {
    token: r.token as string,
    notebookId: r.notebook_id as string,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
    snapshot: r.snapshot as string,
  };
}
