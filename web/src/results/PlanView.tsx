import { useState } from 'react';
import { JsonTree } from './JsonTree';

/** A node of EXPLAIN (FORMAT JSON): the keys shown in the headline, with the types Postgres gives them. */
type PlanNode = Record<string, unknown> & {
  'Node Type'?: string;
  Plans?: PlanNode[];
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  'Join Type'?: string;
  Strategy?: string;
  'Plan Rows'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
};

/** A text plan in monospace. */
export function TextPlan({ rows }: { rows: Record<string, unknown>[] }) {
  return <pre className="plan-text">{rows.map((r) => (r['QUERY PLAN'] as string | null | undefined) ?? '').join('\n')}</pre>;
}

/** EXPLAIN (FORMAT JSON) as an expandable tree of plan nodes, with the raw JSON a click away. */
export function JsonPlan({ value }: { value: unknown }) {
  const [raw, setRaw] = useState(false);
  const data = typeof value === 'string' ? safeParse(value) : value;
  const top = (Array.isArray(data) ? data[0] : data) as Record<string, unknown> | undefined;
  const plan = top?.Plan as PlanNode | undefined;
  const extras = top ? Object.entries(top).filter(([k]) => k !== 'Plan') : [];
  return (
    <div className="plan-json" data-testid="json-plan">
      <div className="plan-tools">
        <button type="button" className="link" onClick={() => setRaw(!raw)}>
          {raw ? 'Plan tree' : 'Raw JSON'}
        </button>
      </div>
      {raw || !plan ? (
        <JsonTree value={data} openDepth={3} />
      ) : (
        <>
          <PlanNodeView node={plan} depth={0} />
          {extras.length > 0 && (
            <div className="plan-extras">
              {extras.map(([k, v]) => (
                <span key={k}>
                  {k}: <b>{typeof v === 'number' ? round(v) : JSON.stringify(v)}</b>
                </span>
              ))}
            </div>
          )}
        </>
      )}
    </div>
  );
}

const HEADLINE_KEYS = [
  'Node Type',
  'Plans',
  'Relation Name',
  'Alias',
  'Index Name',
  'Startup Cost',
  'Total Cost',
  'Plan Rows',
  'Plan Width',
  'Actual Total Time',
  'Actual Rows',
  'Actual Loops',
  'Join Type',
  'Strategy',
  'Parent Relationship',
];

function PlanNodeView({ node, depth }: { node: PlanNode; depth: number }) {
  const [open, setOpen] = useState(true);
  const [details, setDetails] = useState(false);
  const children = node.Plans ?? [];
  const target = [node['Join Type'] && `${node['Join Type']}`, node['Strategy'] && `${node['Strategy']}`].filter(Boolean).join(' ');
  const on = node['Relation Name']
    ? ` on ${node['Relation Name']}${node.Alias && node.Alias !== node['Relation Name'] ? ` ${node.Alias}` : ''}`
    : '';
  const using = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  const rest = Object.entries(node).filter(([k]) => !HEADLINE_KEYS.includes(k));
  return (
    <div className="plan-node" style={{ marginLeft: depth ? 18 : 0 }}>
      <div className="plan-head">
        <button
          type="button"
          className="caret-btn"
          onClick={() => setOpen(!open)}
          disabled={children.length === 0}
          aria-label={open ? 'collapse' : 'expand'}
        >
          {children.length ? (open ? '▾' : '▸') : '•'}
        </button>
        <span className="plan-type">
          {target ? `${target} ` : ''}
          {node['Node Type']}
        </span>
        <span className="plan-on">
          {using}
          {on}
        </span>
        <span className="plan-cost">
          cost {round(node['Startup Cost'])}..{round(node['Total Cost'])} · rows {String(node['Plan Rows'] ?? '?')}
          {node['Actual Total Time'] !== undefined &&
            ` · actual ${round(node['Actual Total Time'])} ms × ${String(node['Actual Loops'] ?? 1)}, rows ${String(node['Actual Rows'])}`}
        </span>
        {rest.length > 0 && (
          <button type="button" className="link small" onClick={() => setDetails(!details)}>
            {details ? 'less' : 'details'}
          </button>
        )}
      </div>
      {details && (
        <div className="plan-details">
          {rest.map(([k, v]) => (
            <div key={k}>
              {/* eslint-disable-next-line @typescript-eslint/no-base-to-string -- v is a JSON scalar here: objects are stringified first */}
              <span className="json-key">{k}:</span> {typeof v === 'object' ? JSON.stringify(v) : String(v)}
            </div>
          ))}
        </div>
      )}
      {open && children.map((c, i) => <PlanNodeView key={i} node={c} depth={depth + 1} />)}
    </div>
  );
}

function round(v: unknown): string {
  // Postgres gives costs and times as numbers; anything else is shown as it came.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- see above
  return typeof v === 'number' ? String(Math.round(v * 100) / 100) : String(v ?? '?');
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
