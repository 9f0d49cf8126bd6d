import type { HistoryEntry } from '../notebook/query-history';
import { formatDuration } from '../results/format';

interface Props {
  entries: HistoryEntry[];
  onRerun: (sql: string) => void;
  onClear: () => void;
  onClose: () => void;
}

/** This notebook's past runs, newest first; "Re-run" runs one again in a new cell at the end. */
export function HistoryPanel({ entries, onRerun, onClear, onClose }: Props) {
  return (
    <aside className="history-panel" aria-label="Query history" data-testid="history-panel">
      <div className="history-head">
        <h2>History</h2>
        <span className="muted small">{entries.length} runs</span>
        <span className="spacer" />
        <button type="button" className="link small" onClick={onClear} disabled={!entries.length}>
          Clear
        </button>
        <button type="button" className="icon-btn" onClick={onClose} aria-label="Close history">
          ✕
        </button>
      </div>
      {entries.length === 0 && <p className="muted small history-empty">Runs of this notebook's cells appear here.</p>}
      <ol className="history-list">
        {entries.map((e) => (
          <li key={`${e.at}-${e.seq}`} className={e.ok ? '' : 'is-failed'} data-testid="history-entry">
            <div className="history-meta small">
              <span className={`badge ${e.backend}`}>{e.backend === 'pglite' ? 'PGlite' : `Real Postgres · ${e.session}`}</span>
              <time dateTime={new Date(e.at).toISOString()}>{new Date(e.at).toLocaleTimeString()}</time>
              <span className="muted">{formatDuration(e.elapsedMs)}</span>
            </div>
            <pre className="history-sql">{e.sql}</pre>
            <div className="history-foot small">
              <span className={e.ok ? 'muted' : 'history-error'} data-testid="history-outcome">
                {e.outcome}
              </span>
              <button type="button" className="link small" onClick={() => onRerun(e.sql)} data-testid="history-rerun">
                Re-run
              </button>
            </div>
          </li>
        ))}
      </ol>
    </aside>
  );
}
