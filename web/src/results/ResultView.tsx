import { lazy, Suspense, useMemo, useState } from 'react';
import type { ErrorResult, Notice, RowsResult, SandboxResult } from '../api/types';
import { isErrorResult } from '../api/types';
import { geometryColumns, toGeometry } from '../geo/detect';
import { GeoSketch } from '../geo/GeoSketch';
import type { Geometry } from '../geo/geometry';
import { positionToOffset } from '../sql/positions';
import { chooseChart } from './chart/chart-choice';
import { download, toCsv, toJson } from './export';
import { formatDuration, noticeText, planKind, summary } from './format';
import { PlanView } from './PlanView';
import { ResultTable } from './ResultTable';

// Chart.js is fetched the first time someone opens a chart, not with the page.
const ResultChart = lazy(() => import('./chart/ResultChart'));

const MAX_SHAPES = 5000;

export function ResultView({ result, cellSql, index, count }: { result: SandboxResult; cellSql: string; index: number; count: number }) {
  return (
    <section className={`result ${isErrorResult(result) ? 'is-error' : ''}`} data-testid="result">
      {isErrorResult(result) ? (
        <ErrorView result={result} cellSql={cellSql} index={index} count={count} />
      ) : (
        <RowsView result={result} index={index} count={count} />
      )}
    </section>
  );
}

function StatementLabel({ statement, index, count }: { statement: string; index: number; count: number }) {
  if (count <= 1) return null;
  const first = statement.split('\n').find((l) => l.trim() && !l.trim().startsWith('--')) ?? statement;
  return (
    <span className="stmt-label" title={statement}>
      {index + 1}. {first.length > 60 ? first.slice(0, 60) + '…' : first}
    </span>
  );
}

function Notices({ notices }: { notices?: (Notice | string)[] }) {
  if (!notices?.length) return null;
  return (
    <ul className="notices" data-testid="notices">
      {notices.map((n, i) => (
        <li key={i}>{noticeText(n)}</li>
      ))}
    </ul>
  );
}

function RowsView({ result, index, count }: { result: RowsResult; index: number; count: number }) {
  const plan = planKind(result);
  const geoCols = useMemo(() => (plan ? [] : geometryColumns(result.fields, result.rows)), [result, plan]);
  const shapes = useMemo(() => {
    const out: { col: string; geoms: Geometry[] }[] = [];
    for (const col of geoCols) {
      const geoms: Geometry[] = [];
      for (const r of result.rows) {
        const g = toGeometry(r[col]);
        if (g) geoms.push(g);
        if (geoms.length >= MAX_SHAPES) break;
      }
      out.push({ col, geoms });
    }
    return out;
  }, [geoCols, result.rows]);
  const chart = useMemo(() => (plan ? null : chooseChart(result.fields, result.rows)), [plan, result]);
  const [view, setView] = useState<'table' | 'chart'>('table');
  const hasRows = !plan && result.fields.length > 0;
  const file = `result-${index + 1}`;

  return (
    <>
      <header className="result-head">
        <StatementLabel statement={result.statement} index={index} count={count} />
        <span className="summary" data-testid="summary">
          {summary(result)}
        </span>
        <span className="duration">{formatDuration(result.durationMs)}</span>
        {hasRows && (
          <span className="result-tools">
            {chart && (
              <span className="view-switch" role="group" aria-label="Show as">
                <button type="button" aria-pressed={view === 'table'} onClick={() => setView('table')} data-testid="view-table">
                  Table
                </button>
                <button type="button" aria-pressed={view === 'chart'} onClick={() => setView('chart')} data-testid="view-chart">
                  Chart
                </button>
              </span>
            )}
            <button
              type="button"
              className="link small"
              title="Download the rows as CSV"
              onClick={() => download(toCsv(result.fields, result.rows), `${file}.csv`, 'text/csv')}
              data-testid="download-csv"
            >
              CSV
            </button>
            <button
              type="button"
              className="link small"
              title="Download the rows as JSON"
              onClick={() => download(toJson(result.fields, result.rows), `${file}.json`, 'application/json')}
              data-testid="download-json"
            >
              JSON
            </button>
          </span>
        )}
      </header>
      <Notices notices={result.notices} />
      {result.truncated && (
        <div className="warning" data-testid="truncated">
          Result truncated: only the first {result.rows.length.toLocaleString('en-US')} rows were returned. Add a LIMIT or aggregate to see
          the rest.
        </div>
      )}
      {plan && <PlanView kind={plan} rows={result.rows} />}
      {hasRows && chart && view === 'chart' && (
        <Suspense fallback={<div className="muted small">Loading the chart…</div>}>
          <ResultChart spec={chart} rows={result.rows} />
        </Suspense>
      )}
      {hasRows && (!chart || view === 'table') && (
        <>
          {shapes.length > 0 && (
            <div className="geo-row">
              {shapes.map((s) => (
                <GeoSketch key={s.col} geometries={s.geoms} label={s.col} />
              ))}
            </div>
          )}
          <ResultTable fields={result.fields} rows={result.rows} geometryColumns={geoCols} />
        </>
      )}
    </>
  );
}

function ErrorView({ result, cellSql, index, count }: { result: ErrorResult; cellSql: string; index: number; count: number }) {
  const e = result.error;
  let where: string | null = null;
  if (e.position !== undefined) {
    const off = positionToOffset(cellSql, e.position);
    const before = cellSql.slice(0, off).split('\n');
    where = `line ${before.length}, column ${before[before.length - 1].length + 1}`;
  }
  return (
    <div className="error" role="alert" data-testid="sql-error">
      <header className="result-head">
        <StatementLabel statement={result.statement} index={index} count={count} />
        <span className="error-title">
          {e.severity ?? 'ERROR'}
          {e.code && (
            <code className="sqlstate" title="SQLSTATE">
              {e.code}
            </code>
          )}
        </span>
        <span className="duration">{formatDuration(result.durationMs)}</span>
      </header>
      <div className="error-message">{e.message}</div>
      {where && <div className="error-extra">at {where}</div>}
      {e.detail && (
        <div className="error-extra">
          <b>Detail:</b> {e.detail}
        </div>
      )}
      {e.hint && (
        <div className="error-extra">
          <b>Hint:</b> {e.hint}
        </div>
      )}
      {e.where && (
        <div className="error-extra">
          <b>Where:</b> {e.where}
        </div>
      )}
      <Notices notices={result.notices} />
    </div>
  );
}
