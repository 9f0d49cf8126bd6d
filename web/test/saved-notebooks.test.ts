import { describe, expect, it } from 'vitest';
import type { RowsResult, SandboxResult } from '../src/api/types';
import type { CellRun } from '../src/notebook/Cell';
import { cellsToContent, contentToCells, resultsForShare, sharedResultsOf, SHARED_ROWS } from '../src/notebook/notebook-doc';
import { loadOpenNotebook, saveOpenNotebook, shareTokenFrom } from '../src/notebook/open-notebook';
import { MemoryStorage } from './memory-storage';

const rows = (n: number): RowsResult => ({
  statement: 'select n',
  fields: [{ name: 'n', dataTypeID: 23 }],
  rows: Array.from({ length: n }, (_, i) => ({ n: i })),
  durationMs: 1,
});
const run = (sql: string, results: SandboxResult[], status: CellRun['status'] = 'done'): CellRun => ({
  status,
  seq: 1,
  backend: 'pglite',
  session: 'main',
  sql,
  results,
});

describe('saved notebook content', () => {
  it('keeps every cell exactly: trailing spaces, a `-- %%` line inside a cell, markdown', () => {
    const cells = [{ sql: 'select 1;  \n-- %% not a new cell\n' }, { sql: '# Title\n\ntext', kind: 'markdown' as const }, { sql: '' }];
    const content = cellsToContent(cells);
    expect(JSON.parse(content)).toEqual({ cells });
    expect(contentToCells(content)).toEqual(cells);
  });

  it('reads content that is not the JSON shape as one SQL cell, so nothing is lost', () => {
    expect(contentToCells('select 42;')).toEqual([{ sql: 'select 42;' }]);
    expect(contentToCells('{"cells": [{"sql": 5}, {"kind": "markdown"}, null]}')).toEqual([
      { sql: '' },
      { sql: '', kind: 'markdown' },
      { sql: '' },
    ]);
    expect(contentToCells('')).toEqual([]);
  });
});

describe('results in a share', () => {
  const cells = [
    { id: 'a', sql: 'select n' },
    { id: 'm', sql: '# notes', kind: 'markdown' as const },
    { id: 'b', sql: 'select big' },
    { id: 'c', sql: 'edited since its run' },
    { id: 'd', sql: 'still running' },
  ];

  it('keys results by cell index, cuts rows to SHARED_ROWS (marked truncated), and skips stale or unfinished runs', () => {
    const runs = {
      a: run('select n', [rows(2)]),
      b: run('select big', [rows(SHARED_ROWS + 50)]),
      c: run('the old text', [rows(1)]),
      d: run('still running', [], 'running'),
    };
    const out = resultsForShare(cells, runs);
    expect(Object.keys(out)).toEqual(['0', '2']);
    expect(out['0']).toEqual([rows(2)]);
    const big = out['2'][0] as RowsResult;
    expect(big.rows).toHaveLength(SHARED_ROWS);
    expect(big.truncated).toBe(true);
  });

  it('drops a cell whose results would pass the size budget, keeping the others', () => {
    const wide = rows(SHARED_ROWS);
    wide.rows = wide.rows.map(() => ({ n: 'x'.repeat(30_000) }));
    const out = resultsForShare(cells, { a: run('select n', [rows(1)]), b: run('select big', [wide]) });
    expect(Object.keys(out)).toEqual(['0']);
  });

  it('reads a snapshot’s results back per cell, ignoring anything that is not a result', () => {
    const results = { '0': [rows(1), { junk: true }], '1': 'nope' };
    expect(sharedResultsOf(results, 0)).toEqual([rows(1)]);
    expect(sharedResultsOf(results, 1)).toEqual([]);
    expect(sharedResultsOf(null, 0)).toEqual([]);
  });
});

describe('the open notebook binding and share links', () => {
  it('round-trips through storage and ignores a broken entry', () => {
    const s = new MemoryStorage();
    expect(loadOpenNotebook(s)).toBeNull();
    const open = { id: 'f3b1c2d4-0000-4000-8000-000000000001', name: 'Sales', owner: 'ann', version: 3, dirty: true };
    saveOpenNotebook(open, s);
    expect(loadOpenNotebook(s)).toEqual(open);
    saveOpenNotebook(null, s);
    expect(loadOpenNotebook(s)).toBeNull();
    s.setItem('pgsbx.notebook.open.v1', '{"id": 1}');
    expect(loadOpenNotebook(s)).toBeNull();
    s.setItem('pgsbx.notebook.open.v1', 'not json');
    expect(loadOpenNotebook(s)).toBeNull();
  });

  it('finds the token in ?share= or #/shared/', () => {
    expect(shareTokenFrom({ search: '?share=AbC-_123', hash: '' })).toBe('AbC-_123');
    expect(shareTokenFrom({ search: '', hash: '#/shared/AbC-_123' })).toBe('AbC-_123');
    expect(shareTokenFrom({ search: '?x=1', hash: '#/other' })).toBeNull();
    expect(shareTokenFrom({ search: '', hash: '#/shared/bad token' })).toBeNull();
  });
});
