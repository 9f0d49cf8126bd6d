import { memo, useEffect, useMemo, useState } from 'react';
import type { SQLNamespace } from '@codemirror/lang-sql';
import type { SandboxResult } from '../api/types';
import { isErrorResult } from '../api/types';
import type { BackendKind } from '../backends/backend';
import { POSTGIS_MESSAGE } from '../backends/pglite-limits';
import { ResultView } from '../results/ResultView';
import { formatDuration } from '../results/format';
import { errorSpan, positionToOffset } from '../sql/positions';
import { CellButtons } from './CellButtons';
import { registerCellFocus } from './cell-focus';
import { Editor, type EditorMark } from './Editor';

export interface CellRun {
  status: 'queued' | 'running' | 'done';
  /** Increases with every run of any cell (lets tests and effects tell runs apart). */
  seq: number;
  backend: BackendKind;
  session: string;
  /** The server version that ran it ("18.6"), when the backend knows it. */
  version?: string;
  /** The SQL that ran (error positions refer to it). */
  sql: string;
  startedAt?: number;
  elapsedMs?: number;
  results: SandboxResult[];
  /** Request-level failure: HTTP status message, network, worker crash. */
  failure?: string;
  notices?: string[];
}

interface Props {
  index: number;
  count: number;
  sql: string;
  run?: CellRun;
  schema: SQLNamespace;
  autoFocus: boolean;
  onChange: (id: string, sql: string) => void;
  /** Not awaited: a run's or a cancel's failure is shown in the cell's run, not thrown. */
  onRun: (id: string) => Promise<unknown>;
  onCancel: (id: string) => Promise<void>;
  onMove: (id: string, delta: number) => void;
  onDelete: (id: string) => void;
  onAddBelow: (id: string) => void;
  id: string;
  /** Shift+Enter: run, then on to the next cell. */
  onRunAndAdvance?: (id: string) => void;
  /** Alt+Enter: run, and a new cell below. */
  onRunAndInsert?: (id: string) => void;
  /** The Format button and Shift+Alt+F. */
  onFormat?: (id: string) => void;
  /** SQL ⇄ text cell. */
  onToggleKind?: (id: string) => void;
  /** "waiting for a lock held by session main (pid 123)" while the run waits for a lock. */
  lockWait?: string | null;
  /** Asked before a cancel that costs more than the statement (PGlite restarts); none: cancel at once. */
  cancelCost?: string;
  /** Offered when a statement needs Real Postgres (PostGIS in PGlite). */
  onUseRealPostgres?: () => void;
}

export const Cell = memo(function Cell({
  id,
  index,
  count,
  sql,
  run,
  schema,
  autoFocus,
  onChange,
  onRun,
  onCancel,
  onMove,
  onDelete,
  onAddBelow,
  onRunAndAdvance,
  onRunAndInsert,
  onFormat,
  onToggleKind,
  lockWait,
  cancelCost,
  onUseRealPostgres,
}: Props) {
  const [confirmCancel, setConfirmCancel] = useState(false);
  const marks = useMemo<EditorMark[]>(() => {
    if (!run || run.status !== 'done') return [];
    return run.results.flatMap((r) => {
      if (!isErrorResult(r) || r.error.position === undefined) return [];
      const span = errorSpan(run.sql, positionToOffset(run.sql, r.error.position));
      return [{ ...span, message: `${r.error.code ? r.error.code + ': ' : ''}${r.error.message}` }];
    });
  }, [run]);
  const busy = run?.status === 'running' || run?.status === 'queued';
  const hasError = run?.status === 'done' && (run.failure || run.results.some(isErrorResult));
  const needsReal = run?.backend === 'pglite' && run.results.some((r) => isErrorResult(r) && r.error.message === POSTGIS_MESSAGE);
  useEffect(() => {
    if (!busy) setConfirmCancel(false);
  }, [busy]);
  const askCancel = busy && confirmCancel && run?.backend === 'pglite' && !!cancelCost;
  const cancel = () => {
    if (run?.status === 'running' && run.backend === 'pglite' && cancelCost && !confirmCancel) return setConfirmCancel(true);
    setConfirmCancel(false);
    void onCancel(id);
  };

  return (
    <article
      className={`cell${busy ? ' is-busy' : ''}${hasError ? ' has-error' : ''}`}
      data-testid="cell"
      data-status={run?.status ?? 'idle'}
      data-seq={run?.seq ?? 0}
    >
      <div className="cell-bar">
        <span className="cell-index">[{index + 1}]</span>
        {busy ? (
          <button type="button" className="cancel-btn" onClick={cancel} data-testid="cancel" aria-expanded={askCancel || undefined}>
            ■ Cancel
          </button>
        ) : (
          <button type="button" className="run-btn" onClick={() => void onRun(id)} title="Run (Ctrl/Cmd+Enter)" data-testid="run">
            ▶ Run
          </button>
        )}
        <RunStatus run={run} />
        <span className="spacer" />
        {onFormat && (
          <button type="button" className="icon-btn" onClick={() => onFormat(id)} title="Format the SQL (Shift+Alt+F)" data-testid="format">
            Format
          </button>
        )}
        {onToggleKind && (
          <button
            type="button"
            className="icon-btn"
            onClick={() => onToggleKind(id)}
            title="Make this a text (markdown) cell"
            data-testid="toggle-kind"
          >
            Text
          </button>
        )}
        <CellButtons id={id} index={index} count={count} onMove={onMove} onDelete={onDelete} onAddBelow={onAddBelow} />
      </div>
      {askCancel && (
        <div className="banner warning cancel-confirm" role="alertdialog" aria-label="Cancel this statement?" data-testid="cancel-confirm">
          <span>{cancelCost}</span>
          <span className="row">
            <button type="button" className="danger" onClick={cancel} data-testid="cancel-confirmed">
              Restart PGlite
            </button>
            <button type="button" onClick={() => setConfirmCancel(false)}>
              Keep running
            </button>
          </span>
        </div>
      )}
      {/* Tab indents in the editor: keyboard users are told the way out (CodeMirror's Esc, then Tab). */}
      <div role="group" aria-label={`Cell ${index + 1} SQL`} aria-describedby={`${id}-keys`}>
        <span id={`${id}-keys`} className="sr-only" data-testid="editor-keys">
          Tab indents. Press Escape, then Tab, to leave the editor. Ctrl or Cmd plus Enter runs the cell.
        </span>
        <Editor
          value={sql}
          onChange={(v) => onChange(id, v)}
          onRun={() => void onRun(id)}
          schema={schema}
          marks={marks}
          marksFor={run?.sql ?? null}
          autoFocus={autoFocus}
          onRunAndAdvance={onRunAndAdvance && (() => onRunAndAdvance(id))}
          onRunAndInsert={onRunAndInsert && (() => onRunAndInsert(id))}
          onFormat={onFormat && (() => onFormat(id))}
          registerFocus={(f) => registerCellFocus(id, f)}
          label={`Cell ${index + 1} SQL`}
          describedBy={`${id}-keys`}
        />
      </div>
      {busy && lockWait && (
        <div className="banner lock-wait" role="status" data-testid="lock-wait">
          {lockWait}
        </div>
      )}
      {run && (run.failure || run.notices?.length || run.results.length > 0) && (
        <div className="cell-output" data-testid="output">
          {run.notices?.map((n, i) => (
            <div key={i} className="banner info" data-testid="run-notice">
              {n}
            </div>
          ))}
          {run.failure && (
            <div className="banner error" role="alert" data-testid="failure">
              {run.failure}
            </div>
          )}
          {needsReal && onUseRealPostgres && (
            <div className="banner info" data-testid="needs-real">
              PostGIS needs Real Postgres: your own Postgres 17 container with PostGIS 3.{' '}
              <button type="button" className="link" onClick={onUseRealPostgres}>
                Switch to Real Postgres
              </button>
            </div>
          )}
          {run.results.map((r, i) => (
            <ResultView key={i} result={r} cellSql={run.sql} index={i} count={run.results.length} />
          ))}
        </div>
      )}
    </article>
  );
});

function RunStatus({ run }: { run?: CellRun }) {
  const [, tick] = useState(0);
  useEffect(() => {
    if (run?.status !== 'running') return;
    const t = setInterval(() => tick((n) => n + 1), 200);
    return () => clearInterval(t);
  }, [run?.status]);
  if (!run) return null;
  const where = run.backend === 'pglite' ? 'PGlite' : `Real Postgres · ${run.session}`;
  const version = run.version && (
    <span className="pg-version" data-testid="pg-version" title={`This cell ran on PostgreSQL ${run.version}`}>
      PostgreSQL {run.version}
    </span>
  );
  let text: string;
  if (run.status === 'queued') text = 'queued…';
  else if (run.status === 'running') text = `running… ${formatDuration(performance.now() - (run.startedAt ?? performance.now()))}`;
  else text = formatDuration(run.elapsedMs);
  return (
    <span className="run-status muted small" data-testid="run-status">
      <span className={`badge ${run.backend}`}>{where}</span>
      {version} {text}
    </span>
  );
}
