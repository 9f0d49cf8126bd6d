/** The marker line that separates cells in an exported notebook. */
export const CELL_MARKER = '-- %% cell';
const MARKER_LINE = /^--\s*%%\s*cell\b.*$/;

/** Serialises cells as a plain .sql file that psql can also run. */
export function exportNotebook(cells: string[]): string {
  return cells.map((sql) => `${CELL_MARKER}\n${sql.replace(/\s+$/, '')}\n`).join('\n');
}

/**
 * Parses a .sql file into cells: each marker line starts a cell; text before the first marker
 * is a cell of its own when it is not blank. A file without markers becomes one cell.
 */
export function importNotebook(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cells: string[][] = [];
  let current: string[] = [];
  let seenMarker = false;
  for (const line of lines) {
    if (MARKER_LINE.test(line)) {
      if (seenMarker || current.some((l) => l.trim())) cells.push(current);
      current = [];
      seenMarker = true;
    } else current.push(line);
  }
  if (seenMarker || current.some((l) => l.trim())) cells.push(current);
  return cells.map((c) =>
    c
      .join('\n')
      .replace(/^\s*\n/, '')
      .replace(/\s+$/, ''),
  );
}
