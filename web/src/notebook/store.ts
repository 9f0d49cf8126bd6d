export interface CellDoc {
  id: string;
  /** The cell's text: SQL, or markdown for a markdown cell. */
  sql: string;
  /** Absent for SQL cells (every cell saved before markdown cells existed is one). */
  kind?: 'markdown';
}

const NOTEBOOK_KEY = 'pgsbx.notebook.v1';

export const DEFAULT_CELLS: string[] = [
  '-- Ctrl/Cmd+Enter runs a cell; statements run one by one.\nselect version();',
  "create table if not exists people (\n  id int primary key,\n  name text not null,\n  born date\n);\ninsert into people values (1, 'Ada', '1815-12-10'), (2, 'Alan', '1912-06-23')\n  on conflict do nothing;\nselect * from people order by id;",
];

let counter = 0;
export function newCellId(): string {
  counter++;
  return `c${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export function makeCells(sqls: (string | { sql: string; kind?: 'markdown' })[]): CellDoc[] {
  return sqls.map((c) =>
    typeof c === 'string' ? { id: newCellId(), sql: c } : { id: newCellId(), sql: c.sql, ...(c.kind ? { kind: c.kind } : {}) },
  );
}

export function loadCells(): CellDoc[] {
  try {
    const raw = localStorage.getItem(NOTEBOOK_KEY);
    if (raw) {
      const parsed = JSON.parse(raw) as { cells?: { sql?: unknown; kind?: unknown }[] };
      if (Array.isArray(parsed.cells))
        return makeCells(
          parsed.cells.map((c) => ({
            sql: typeof c.sql === 'string' ? c.sql : '',
            kind: c.kind === 'markdown' ? ('markdown' as const) : undefined,
          })),
        );
    }
  } catch {
    // a broken entry falls back to the default notebook
  }
  return makeCells(DEFAULT_CELLS);
}

export function saveCells(cells: CellDoc[]): void {
  localStorage.setItem(NOTEBOOK_KEY, JSON.stringify({ cells: cells.map((c) => (c.kind ? { sql: c.sql, kind: c.kind } : { sql: c.sql })) }));
}

export type Mode = 'pglite' | 'remote';
const MODE_KEY = 'pgsbx.mode';
export function loadMode(): Mode {
  return localStorage.getItem(MODE_KEY) === 'remote' ? 'remote' : 'pglite';
}
export function saveMode(m: Mode): void {
  localStorage.setItem(MODE_KEY, m);
}

const SESSION_KEY = 'pgsbx.session';
export function loadSession(): string {
  return localStorage.getItem(SESSION_KEY) || 'main';
}
export function saveSession(s: string): void {
  localStorage.setItem(SESSION_KEY, s);
}
