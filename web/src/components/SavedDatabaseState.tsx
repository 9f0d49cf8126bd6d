import type { SandboxStatus } from '../api/types';
import { formatAgo, formatElapsed, formatSize } from '../hooks/saved-text';

/** Beside the status bar's state: when a hibernated database was saved and its size, or how a restore is going. */
export function SavedDatabaseState({ status, now }: { status: SandboxStatus; now: number }) {
  if (status.state === 'hibernated' && status.saved) {
    return (
      <span className="muted" data-testid="saved-database">
        {' '}
        · saved {formatAgo(status.saved.savedAt, now)}, {formatSize(status.saved.bytes)}
      </span>
    );
  }
  if (status.state === 'waking' && status.waking) {
    return (
      <span className="muted" data-testid="wake-progress">
        {' '}
        · {formatElapsed(now - Date.parse(status.waking.startedAt))} · {formatSize(status.waking.bytes)}
      </span>
    );
  }
  return null;
}
