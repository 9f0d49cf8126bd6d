const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `250ms`, `90s`, `15m`, `2h`, `1d` (or a bare number of milliseconds) into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a duration (examples: 500ms, 90s, 15m, 2h)`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms']);
}

/** Formats milliseconds the way parseDuration reads them, choosing the largest exact unit. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNITS[unit] && ms % UNITS[unit] === 0) return `${ms / UNITS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Parses `512m`, `1g`, `100k`, `64mb` (binary units) or a bare number of bytes. */
export function parseBytes(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmg])?i?b?\s*$/i.exec(text);
  if (!m) throw new Error(`"${text}" is not a size (examples: 512m, 1g, 100k)`);
  return Math.round(Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]);
}
