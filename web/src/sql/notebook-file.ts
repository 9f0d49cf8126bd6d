/** The marker line that starts a SQL cell in an exported notebook. */
export const CELL_MARKER = '-- %% cell';
/** The marker line that starts a markdown cell (Jupytext's percent format). */
export const MARKDOWN_MARKER = '-- %% [markdown]';
/** `-- %% cell`, `--%% cell: name`, Jupytext/VS Code's bare `-- %%` and `-- %% [markdown]`. */
const MARKER_LINE = /^--\s*%%(?:\s.*)?$/;

export type FileCellKind = 'sql' | 'markdown';

export interface FileCell {
  kind: FileCellKind;
  text: string;
}

/**
 * Serialises cells as a plain .sql file that psql can also run: SQL cells as they are, markdown
 * cells as comments, each line prefixed `-- ` (a blank line as `--`), as Jupytext writes them.
 */
export function exportCells(cells: FileCell[]): string {
  return cells
    .map((c) => {
      const text = c.text.replace(/\s+$/, '');
      if (c.kind === 'sql') return `${CELL_MARKER}\n${text}\n`;
      const lines = text ? text.split('\n').map((l) => (l ? `-- ${l}` : '--')) : [];
      return `${MARKDOWN_MARKER}\n${lines.map((l) => l + '\n').join('')}`;
    })
    .join('\n');
}

/**
 * Parses a .sql file into cells: each marker line starts a cell; text before the first marker
 * is a SQL cell of its own when it is not blank. A file without markers becomes one cell.
 */
export function importCells(text: string): FileCell[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cells: FileCell[] = [];
  let current: string[] = [];
  let kind: FileCellKind = 'sql';
  let seenMarker = false;
  const flush = () => {
    if (seenMarker || current.some((l) => l.trim())) cells.push({ kind, text: cellText(kind, current) });
  };
  for (const line of lines) {
    if (MARKER_LINE.test(line)) {
      flush();
      current = [];
      kind = /\[markdown\]/i.test(line) ? 'markdown' : 'sql';
      seenMarker = true;
    } else current.push(line);
  }
  flush();
  return cells;
}

function cellText(kind: FileCellKind, lines: string[]): string {
  const body = kind === 'markdown' ? lines.map((l) => l.replace(/^--(?: |$)/, '')) : lines;
  return body
    .join('\n')
    .replace(/^\s*\n/, '')
    .replace(/\s+$/, '');
}

/** SQL cells only, as text (the format before markdown cells). */
export function exportNotebook(cells: string[]): string {
  return exportCells(cells.map((text) => ({ kind: 'sql', text })));
}

/** Every cell's text, whatever its kind. */
export function importNotebook(text: string): string[] {
  return importCells(text).map((c) => c.text);
}
