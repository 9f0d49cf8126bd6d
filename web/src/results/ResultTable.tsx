import { useCallback, useMemo, useRef, useState } from 'react';
import type { Field } from '../api/types';
import { formatValue, isJsonType, isNumericType } from './format';
import { nextSort, viewOrder, type SortState } from './grid-view';
import { JsonTree } from './JsonTree';

const ROW_H = 26;
const MAX_H = 360;
const OVERSCAN = 8;
const CHAR_W = 7.6;

interface Props {
  fields: Field[];
  rows: Record<string, unknown>[];
  geometryColumns?: string[];
}

/**
 * A result grid that renders only the visible rows, so 10,000+ rows scroll smoothly. A header
 * click sorts and the filter box narrows the rows it holds; row numbers count the rows shown.
 */
export function ResultTable({ fields, rows: allRows, geometryColumns = [] }: Props) {
  const [scrollTop, setScrollTop] = useState(0);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortState | null>(null);
  const order = useMemo(() => (filter || sort ? viewOrder(fields, allRows, filter, sort) : null), [fields, allRows, filter, sort]);
  const rows = useMemo(() => (order ? order.map((i) => allRows[i]) : allRows), [order, allRows]);
  const [inspect, setInspect] = useState<{ row: number; col: string } | null>(null);
  const frame = useRef(0);
  // measured on every row held, so columns keep their widths while the filter changes
  const widths = useMemo(() => columnWidths(fields, allRows), [fields, allRows]);
  const numericCols = useMemo(
    () => fields.map((f) => isNumericType(f.dataTypeID) || allRows.slice(0, 50).some((r) => typeof r[f.name] === 'number')),
    [fields, allRows],
  );
  const indexW = Math.max(36, String(rows.length).length * CHAR_W + 16);
  const totalW = indexW + widths.reduce((a, b) => a + b, 0);
  const bodyH = rows.length * ROW_H;
  const viewH = Math.min(MAX_H, bodyH + ROW_H);
  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewH) / ROW_H) + OVERSCAN);

  const onScroll = useCallback((e: React.UIEvent<HTMLDivElement>) => {
    const top = e.currentTarget.scrollTop;
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => setScrollTop(top));
  }, []);

  const visible = [];
  for (let i = first; i < last; i++) {
    const row = rows[i];
    visible.push(
      <div className="rt-row" role="row" key={i} style={{ top: i * ROW_H, width: totalW }} data-row={i}>
        <div className="rt-cell rt-index" style={{ width: indexW }}>
          {i + 1}
        </div>
        {fields.map((f, c) => {
          const v = row[f.name];
          const cell = formatValue(v, f);
          const json = cell.kind === 'json' || (isJsonType(f.dataTypeID) && v !== null);
          const geo = geometryColumns.includes(f.name) && v !== null;
          return (
            <div
              key={c}
              role="cell"
              className={`rt-cell kind-${cell.kind}${numericCols[c] && cell.kind !== 'null' ? ' num' : ''}${geo ? ' geo' : ''}`}
              style={{ width: widths[c] }}
              title={cell.text.length > 40 ? cell.text.slice(0, 2000) : undefined}
            >
              {json ? (
                <button type="button" className="json-cell" onClick={() => setInspect({ row: i, col: f.name })} title="Expand JSON">
                  <span className="caret">▸</span> {cell.text}
                </button>
              ) : (
                cell.text
              )}
            </div>
          );
        })}
      </div>,
    );
  }

  return (
    <div className="result-table-wrap">
      {allRows.length > 1 && (
        <div className="grid-tools">
          <input
            type="search"
            className="grid-filter"
            placeholder="Filter rows…"
            aria-label="Filter rows"
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value);
              setScrollTop(0);
            }}
            data-testid="grid-filter"
          />
          {filter && (
            <span className="muted small" data-testid="grid-count">
              {rows.length.toLocaleString('en-US')} of {allRows.length.toLocaleString('en-US')} rows
            </span>
          )}
        </div>
      )}
      <div className="result-table" role="table" style={{ height: viewH }} onScroll={onScroll} data-testid="result-table">
        <div className="rt-header" role="row" style={{ width: totalW }}>
          <div className="rt-cell rt-index" style={{ width: indexW }}>
            #
          </div>
          {fields.map((f, c) => (
            <div
              key={c}
              role="columnheader"
              className={`rt-cell rt-sortable${numericCols[c] ? ' num' : ''}`}
              style={{ width: widths[c] }}
              title={`${f.name} (type oid ${f.dataTypeID}): click to sort`}
              aria-sort={sort?.column === f.name ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              data-col={f.name}
              tabIndex={0}
              onClick={() => setSort((s) => nextSort(s, f.name))}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  setSort((s) => nextSort(s, f.name));
                }
              }}
            >
              {sort?.column === f.name && <span className="sort-mark">{sort.dir === 'asc' ? '▲' : '▼'}</span>}
              {f.name}
            </div>
          ))}
        </div>
        <div className="rt-body" style={{ height: bodyH, width: totalW }}>
          {visible}
        </div>
      </div>
      {inspect && rows[inspect.row] && (
        <div className="json-inspector" data-testid="json-inspector">
          <div className="json-inspector-head">
            <span>
              row {inspect.row + 1}, <b>{inspect.col}</b>
            </span>
            <button type="button" className="link" onClick={() => setInspect(null)} aria-label="Close JSON">
              close
            </button>
          </div>
          <JsonTree value={rows[inspect.row][inspect.col]} openDepth={2} />
        </div>
      )}
    </div>
  );
}

function columnWidths(fields: Field[], rows: Record<string, unknown>[]): number[] {
  // an even sample across the result: later rows are often wider (bigger numbers, longer text)
  const step = Math.max(1, Math.floor(rows.length / 200));
  const sample: Record<string, unknown>[] = [];
  for (let i = 0; i < rows.length; i += step) sample.push(rows[i]);
  if (rows.length) sample.push(rows[rows.length - 1]);
  return fields.map((f) => {
    let chars = f.name.length + 2;
    for (const r of sample) {
      const t = formatValue(r[f.name], f).text;
      if (t.length > chars) chars = t.length;
      if (chars > 60) break;
    }
    return Math.round(Math.min(440, Math.max(64, chars * CHAR_W + 20)));
  });
}
