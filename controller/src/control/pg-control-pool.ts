import { Pool, PoolClient, QueryResultRow } from 'pg';
import { ControlStoreUnavailableError } from './control-store';
import { isControlUnreachable } from './control-unreachable';

/**
 * Querying the control database, shared by its stores (PgControlStore, PgNotebookStore): a query
 * or a transaction that fails because the database is away throws ControlStoreUnavailableError
 * (503, try again), never a 500; a broken connection is destroyed, not handed back to the pool.
 */
export async function controlQuery<R extends QueryResultRow>(pool: Pool | undefined, sql: string, params: unknown[] = []): Promise<R[]> {
  try {
    return (await opened(pool).query<R>(sql, params)).rows;
  } catch (e) {
    throw unreachableOr(e);
  }
}

export async function controlTransaction<T>(pool: Pool | undefined, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await opened(pool).connect();
  } catch (e) {
    throw unreachableOr(e);
  }
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (e) {
    const broken = isControlUnreachable(e);
    if (!broken) await client.query('ROLLBACK').catch(() => undefined);
    client.release(broken ? (e as Error) : undefined);
    throw unreachableOr(e);
  }
}

function opened(pool: Pool | undefined): Pool {
  if (!pool) throw new ControlStoreUnavailableError('the control store is not open');
  return pool;
}

function unreachableOr(e: unknown): unknown {
  return isControlUnreachable(e) && !(e instanceof ControlStoreUnavailableError)
    ? new ControlStoreUnavailableError((e as Error).message)
    : e;
}
