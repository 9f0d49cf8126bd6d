import { describe, expect, it } from 'vitest';
import { formatAgo, formatElapsed, formatSize, parseRestored, restoredMessage } from '../src/hooks/saved-text';

const now = Date.parse('2026-01-01T12:00:00Z');

describe('saved database text', () => {
  it('reads the X-Sandbox-Restored header, and nothing else', () => {
    expect(parseRestored('412ms; saved=2026-01-01T11:00:00.000Z')).toEqual({ ms: 412, savedAt: '2026-01-01T11:00:00.000Z' });
    expect(parseRestored('12.5ms; saved=2026-01-01T11:59:30.000Z')).toEqual({ ms: 12.5, savedAt: '2026-01-01T11:59:30.000Z' });
    for (const bad of [undefined, null, '', 'soon', '412ms', '412ms; saved=yesterday']) expect(parseRestored(bad)).toBeNull();
  });

  it('says when the database was saved and how long the restore took', () => {
    expect(restoredMessage({ ms: 411.6, savedAt: '2026-01-01T11:56:00.000Z' }, now)).toBe(
      'Restored your database (saved 4 min ago) in 412 ms.',
    );
    expect(['2026-01-01T11:59:30Z', '2026-01-01T09:00:00Z', '2025-12-28T12:00:00Z'].map((t) => formatAgo(t, now))).toEqual([
      'just now',
      '3 h ago',
      '4 days ago',
    ]);
  });

  it('writes sizes in binary units and elapsed time in seconds', () => {
    expect([0, 1023, 1536, 3.4 * 1024 * 1024, 2 * 1024 ** 3].map(formatSize)).toEqual(['0 B', '1023 B', '1.5 KiB', '3.4 MiB', '2.0 GiB']);
    expect([0, 449, 12_000, -5].map(formatElapsed)).toEqual(['0.0 s', '0.4 s', '12.0 s', '0.0 s']);
  });
});
