import { memo, useEffect, useMemo, useState } from 'react';
import type { SQLNamespace } from '@codemirror/lang-sql';
import type { SandboxResult } from '../api/types';
import { isErrorResult } from '../api/types';
import type { BackendKind } from '../backends/backend';
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
}: Props) {
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
          <button type="button" className="cancel-btn" onClick={() => void onCancel(id)} data-testid="cancel">
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
      />
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
  let text: string;
  if (run.status === 'queued') text = 'queued…';
  else if (run.status === 'running') text = `running… ${formatDuration(performance.now() - (run.startedAt ?? performance.now()))}`;
  else text = formatDuration(run.elapsedMs);
  return (
    <span className="run-status muted small" data-testid="run-status">
      <span className={`badge ${run.backend}`}>{where}</span> {text}
    </span>
  );
}
