import { describe, expect, it } from 'vitest';
import type { SandboxActivity } from '../src/api/types';
import { lockWaitText } from '../src/hooks/use-session-activity';
import { MemoryStorage } from './memory-storage';
import { addHistory, HISTORY_LIMIT, loadHistory, saveHistory, type HistoryEntry } from '../src/notebook/query-history';

const entry = (seq: number, sql: string, session = 'main'): HistoryEntry => ({
  seq,
  at: 1000 + seq,
  sql,
  backend: 'remote',
  session,
  ok: true,
  outcome: '1 row',
});

describe('query history', () => {
  it('keeps the newest first, per notebook', () => {
    const storage = new MemoryStorage();
    saveHistory('a', addHistory(addHistory([], entry(1, 'select 1')), entry(2, 'select 2')), storage);
    expect(loadHistory('a', storage).map((e) => e.sql)).toEqual(['select 2', 'select 1']);
    expect(loadHistory('b', storage)).toEqual([]);
  });

  it('one entry for the same SQL run again right away; another session or query is a new one', () => {
    let h = addHistory([], entry(1, 'select 1'));
    h = addHistory(h, entry(2, 'select 1'));
    expect(h.map((e) => e.seq)).toEqual([2]);
    h = addHistory(h, entry(3, 'select 1', 's2'));
    h = addHistory(h, entry(4, 'select 2'));
    h = addHistory(h, entry(5, 'select 1'));
    expect(h.map((e) => e.seq)).toEqual([5, 4, 3, 2]);
  });

  it(`keeps at most ${HISTORY_LIMIT} runs`, () => {
    let h: HistoryEntry[] = [];
    for (let i = 0; i < HISTORY_LIMIT + 20; i++) h = addHistory(h, entry(i, `select ${i}`));
    expect(h).toHaveLength(HISTORY_LIMIT);
    expect(h[0].sql).toBe(`select ${HISTORY_LIMIT + 19}`);
  });

  it('a broken stored history reads as empty', () => {
    const storage = new MemoryStorage();
    storage.setItem('pgsbx.history.v1.local', '{not json');
    expect(loadHistory('local', storage)).toEqual([]);
    storage.setItem('pgsbx.history.v1.local', JSON.stringify([{ sql: 1 }, entry(1, 'select 1')]));
    expect(loadHistory('local', storage).map((e) => e.sql)).toEqual(['select 1']);
  });
});

describe('the lock-wait line', () => {
  const activity: SandboxActivity = {
    sessions: [
      { name: 'main', pid: 61, state: 'idle in transaction', inTransaction: true, waitingFor: [] },
      { name: 's2', pid: 62, state: 'active', inTransaction: true, waitingFor: [{ pid: 61, session: 'main' }] },
      { name: 's3', pid: 63, state: 'active', inTransaction: true, waitingFor: [{ pid: 61, session: 'main' }, { pid: 99 }] },
    ],
  };

  it('names the session and pid holding the lock', () => {
    expect(lockWaitText(activity, 's2')).toBe('waiting for a lock held by session main (pid 61)');
    expect(lockWaitText(activity, 's3')).toBe('waiting for a lock held by session main (pid 61), another connection (pid 99)');
  });

  it('says nothing when the session waits for no lock, or is unknown', () => {
    expect(lockWaitText(activity, 'main')).toBeNull();
    expect(lockWaitText(activity, 'nope')).toBeNull();
    expect(lockWaitText(null, 's2')).toBeNull();
  });
});
