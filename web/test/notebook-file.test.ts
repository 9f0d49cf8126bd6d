import { describe, expect, it } from 'vitest';
import { CELL_MARKER, exportCells, exportNotebook, importCells, importNotebook } from '../src/sql/notebook-file';

describe('notebook .sql files', () => {
  it('round-trips cells', () => {
    const cells = ['select 1;', 'create table t (\n  id int\n);\n\ninsert into t values (1);', '-- a comment\nselect * from t;', ''];
    const text = exportNotebook(cells);
    expect(text.startsWith(CELL_MARKER + '\n')).toBe(true);
    expect(importNotebook(text)).toEqual(cells);
  });

  it('writes one marker line per cell', () => {
    expect(exportNotebook(['select 1;', 'select 2;'])).toBe('-- %% cell\nselect 1;\n\n-- %% cell\nselect 2;\n');
  });

  it('imports a plain .sql file as one cell', () => {
    expect(importNotebook('select 1;\nselect 2;\n')).toEqual(['select 1;\nselect 2;']);
  });

  it('keeps a preamble before the first marker, accepts CRLF and marker variants', () => {
    expect(importNotebook('-- setup\r\nset x = 1;\r\n--%% cell\r\nselect 1;\r\n-- %% cell: second\r\nselect 2;')).toEqual([
      '-- setup\nset x = 1;',
      'select 1;',
      'select 2;',
    ]);
  });

  it('imports an empty file as no cells', () => {
    expect(importNotebook('')).toEqual([]);
  });
});

describe('markdown cells in .sql files (Jupytext percent format)', () => {
  const cells = [
    { kind: 'markdown' as const, text: '# Setup\n\nFirst we make a *table*.\n-- a line that looks like SQL' },
    { kind: 'sql' as const, text: 'create table t (id int);' },
    { kind: 'markdown' as const, text: '' },
    { kind: 'sql' as const, text: 'select 1;' },
  ];

  it('writes markdown as `-- ` prefixed lines under `-- %% [markdown]`', () => {
    expect(exportCells(cells.slice(0, 2))).toBe(
      '-- %% [markdown]\n-- # Setup\n--\n-- First we make a *table*.\n-- -- a line that looks like SQL\n\n-- %% cell\ncreate table t (id int);\n',
    );
  });

  it('round-trips SQL and markdown cells', () => {
    expect(importCells(exportCells(cells))).toEqual(cells);
  });

  it('reads bare `-- %%` percent cells as SQL', () => {
    expect(importCells('-- %%\nselect 1;\n-- %% [markdown]\n-- hi\n-- %%\nselect 2;')).toEqual([
      { kind: 'sql', text: 'select 1;' },
      { kind: 'markdown', text: 'hi' },
      { kind: 'sql', text: 'select 2;' },
    ]);
  });
});
