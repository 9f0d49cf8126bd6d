import { useEffect, useState } from 'react';
import type { SandboxStatus } from '../api/types';
import type { Mode } from '../notebook/store';
import type { PgliteStart } from '../backends/pglite-backend';
import type { StatusMessage } from '../hooks/status-message';
import { SavedDatabaseState } from './SavedDatabaseState';

interface Props {
  mode: Mode;
  onChooseMode: (m: Mode) => void;
  switching: boolean;
  pgliteStart: PgliteStart | null;
  status: SandboxStatus | null;
  remoteBusy: boolean;
  session: string;
  sessions: string[];
  /** Sessions with an open transaction (from GET /api/sandbox/activity): marked in the picker. */
  inTransaction?: string[];
  onSession: (s: string) => void;
  message: StatusMessage | null;
  onDismiss: () => void;
}

export function StatusBar(p: Props) {
  return (
    <footer className="statusbar" data-testid="statusbar">
      <div className="mode-toggle" role="radiogroup" aria-label="Database backend">
        <button
          type="button"
          role="radio"
          aria-checked={p.mode === 'pglite'}
          className={p.mode === 'pglite' ? 'on' : ''}
          onClick={() => p.onChooseMode('pglite')}
          data-testid="mode-pglite"
        >
          PGlite
        </button>
        <button
          type="button"
          role="radio"
          aria-checked={p.mode === 'remote'}
          className={p.mode === 'remote' ? 'on' : ''}
          onClick={() => p.onChooseMode('remote')}
          disabled={p.switching}
          data-testid="mode-remote"
          title="Your own Postgres 17 container with PostGIS and pgvector (premium)"
        >
          Real Postgres
        </button>
      </div>
      {p.mode === 'pglite' ? (
        <span className="state" data-testid="sandbox-state">
          <Dot kind={p.pgliteStart ? 'ready' : 'starting'} />
          {p.pgliteStart ? (
            <>
              in-page Postgres ready
              <span className="muted">
                {' '}
                · started in {(p.pgliteStart.ms / 1000).toFixed(1)} s{p.pgliteStart.fromSnapshot ? ' from snapshot' : ''}
              </span>
            </>
          ) : (
            'starting PGlite…'
          )}
        </span>
      ) : (
        <RemoteState status={p.status} busy={p.remoteBusy} />
      )}
      {p.mode === 'remote' && (
        <label className="session-picker">
          session
          <select value={p.session} onChange={(e) => p.onSession(e.target.value)} data-testid="session-picker">
            {p.sessions.map((s) => (
              <option key={s} value={s}>
                {p.inTransaction?.includes(s) ? `${s} · in transaction` : s}
              </option>
            ))}
          </select>
        </label>
      )}
      <span className="spacer" />
      {p.message && (
        <span
          className={`status-message is-${p.message.kind}`}
          role={p.message.kind === 'error' ? 'alert' : 'status'}
          data-testid="status-message"
        >
          {p.message.text}
          <button type="button" className="link" onClick={p.onDismiss} aria-label="Dismiss">
            ✕
          </button>
        </span>
      )}
    </footer>
  );
}

function Dot({ kind }: { kind: string }) {
  return <span className={`dot ${kind}`} aria-hidden />;
}

function RemoteState({ status, busy }: { status: SandboxStatus | null; busy: boolean }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  if (!status) return <span className="state muted">connecting…</span>;
  // A run waiting for its database to be restored shows the restore, not "busy".
  const state = busy && status.state !== 'waking' ? 'busy' : status.state;
  const labels: Record<SandboxStatus['state'], string> = {
    none: 'no sandbox yet (starts on first run)',
    starting: 'starting…',
    ready: 'ready',
    busy: 'busy',
    hibernated: 'hibernated — your database is saved; it comes back on the next run',
    waking: 'restoring your database…',
  };
  const label = labels[state] ?? state;
  let expiry: string | null = null;
  if (status.idleExpiresAt && !busy && status.state === 'ready') {
    const left = Math.max(0, Date.parse(status.idleExpiresAt) - now);
    const m = Math.floor(left / 60000);
    const s = Math.floor((left % 60000) / 1000);
    expiry = `idle expiry in ${m}:${String(s).padStart(2, '0')}`;
  }
  return (
    <span className="state" data-testid="sandbox-state" data-state={state}>
      <Dot kind={state} />
      {label}
      <SavedDatabaseState status={status} now={now} />
      {expiry && <span className="muted"> · {expiry}</span>}
      {status.container && (
        <span className="muted small container-name" title={status.container}>
          {' '}
          · {status.container}
        </span>
      )}
    </span>
  );
}
