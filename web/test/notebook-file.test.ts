import { describe, expect, it } from 'vitest';
import { CELL_MARKER, exportNotebook, importNotebook } from '../src/sql/notebook-file';

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
