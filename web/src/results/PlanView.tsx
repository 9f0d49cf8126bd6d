import { useMemo, useState } from 'react';
import { formatDuration } from './format';
import { JsonTree } from './JsonTree';
import { analyzePlan, misestimateLabel, type NodeStats, type Plan, type PlanAnalysis, type PlanNode } from './plan/plan-model';
import { parseJsonPlan } from './plan/plan-json';
import { parseTextPlan } from './plan/plan-text';

interface Props {
  kind: 'text' | 'json';
  rows: Record<string, unknown>[];
}

/**
 * An EXPLAIN result (text or JSON format) drawn as a tree, as pev2 and explain.dalibo.com draw
 * plans: per node a bar of its exclusive time (a share of the whole), estimated vs actual rows
 * with the misestimate factor, and the slowest node marked. The plan as Postgres sent it is a
 * click away; a plan that does not parse is shown only that way.
 */
export function PlanView({ kind, rows }: Props) {
  const [raw, setRaw] = useState(false);
  const value = rows[0]?.['QUERY PLAN'];
  const text = useMemo(
    () => (kind === 'text' ? rows.map((r) => (r['QUERY PLAN'] as string | null | undefined) ?? '').join('\n') : ''),
    [kind, rows],
  );
  const plan = useMemo(() => (kind === 'text' ? parseTextPlan(text) : parseJsonPlan(value)), [kind, text, value]);
  const analysis = useMemo(() => (plan ? analyzePlan(plan) : null), [plan]);
  const showRaw = raw || !plan || !analysis;
  return (
    <div className={`plan-view ${kind === 'text' ? 'plan-text' : 'plan-json'}`} data-testid={kind === 'text' ? 'text-plan' : 'json-plan'}>
      <div className="plan-tools">
        {plan && analysis && <PlanSummary plan={plan} analysis={analysis} />}
        <span className="spacer" />
        {plan && (
          <button type="button" className="link small" onClick={() => setRaw(!raw)} data-testid="plan-raw-toggle">
            {raw ? 'Plan tree' : kind === 'text' ? 'Plan text' : 'Raw JSON'}
          </button>
        )}
      </div>
      {showRaw ? (
        kind === 'text' ? (
          <pre className="plan-raw">{text}</pre>
        ) : (
          <JsonTree value={typeof value === 'string' ? safeParse(value) : value} openDepth={3} />
        )
      ) : (
        <ul className="plan-tree" role="tree">
          <PlanNodeView node={plan.root} analysis={analysis} />
        </ul>
      )}
    </div>
  );
}

function PlanSummary({ plan, analysis }: { plan: Plan; analysis: PlanAnalysis }) {
  const slow = analysis.slowest && analysis.stats.get(analysis.slowest);
  return (
    <span className="plan-summary small">
      {plan.executionMs !== undefined && <span>Execution {formatDuration(plan.executionMs)}</span>}
      {plan.planningMs !== undefined && <span>Planning {formatDuration(plan.planningMs)}</span>}
      {analysis.slowest && slow?.exclusiveMs !== undefined && (
        <span>
          Slowest: <b>{analysis.slowest.type}</b> {formatDuration(slow.exclusiveMs)}
          {share(slow, analysis) !== null && ` (${share(slow, analysis)}%)`}
        </span>
      )}
      {analysis.totalMs === undefined && <span className="muted">Estimates only: EXPLAIN ANALYZE adds times and actual rows.</span>}
    </span>
  );
}

function share(s: NodeStats | undefined, analysis: PlanAnalysis): number | null {
  if (s?.exclusiveMs === undefined || !analysis.totalMs) return null;
  return Math.min(100, Math.round((s.exclusiveMs / analysis.totalMs) * 100));
}

function PlanNodeView({ node, analysis }: { node: PlanNode; analysis: PlanAnalysis }) {
  const [open, setOpen] = useState(true);
  const [details, setDetails] = useState(false);
  const s = analysis.stats.get(node);
  const pct = share(s, analysis);
  const slowest = analysis.slowest === node;
  const mis = misestimateLabel(s?.misestimate);
  const misFactor = s?.misestimate === undefined ? 1 : Math.max(s.misestimate, 1 / s.misestimate);
  return (
    <li
      className={`plan-node${slowest ? ' is-slowest' : ''}`}
      role="treeitem"
      aria-expanded={node.children.length ? open : undefined}
      data-testid={slowest ? 'plan-slowest' : 'plan-node'}
    >
      <div className="plan-head">
        <button
          type="button"
          className="caret-btn"
          onClick={() => setOpen(!open)}
          disabled={node.children.length === 0}
          aria-label={open ? 'collapse' : 'expand'}
        >
          {node.children.length ? (open ? '▾' : '▸') : '•'}
        </button>
        {node.role && <span className="plan-role">{node.role}</span>}
        <span className="plan-type">{node.type}</span>
        {/* a space, so the node reads "Seq Scan on t" when copied or read aloud */}{' '}
        {node.target && <span className="plan-on">{node.target}</span>}
        {slowest && <span className="plan-flag">slowest</span>}
        {node.neverExecuted && <span className="plan-flag muted-flag">never executed</span>}
        <span className="spacer" />
        {s?.exclusiveMs !== undefined && (
          <span className="plan-time" title="exclusive time: this node's own work over all its loops, its children taken out">
            <span className="plan-bar" aria-hidden="true">
              <span style={{ width: `${pct ?? 0}%` }} />
            </span>
            {formatDuration(s.exclusiveMs)}
            {pct !== null && <span className="muted"> {pct}%</span>}
          </span>
        )}
        <span className="plan-rows" title="rows per loop: estimated → actual">
          {node.actualRows !== undefined ? (
            <>
              rows {fmt(node.planRows)} → <b>{fmt(node.actualRows)}</b>
              {node.loops !== undefined && node.loops > 1 && <span className="muted"> ×{node.loops} loops</span>}
            </>
          ) : (
            <>rows {fmt(node.planRows)}</>
          )}
          {mis && (
            <span className={`plan-mis${misFactor >= 10 ? ' bad' : ''}`} data-testid="plan-misestimate">
              {mis}
            </span>
          )}
        </span>
        {node.totalCost !== undefined && (
          <span className="plan-cost">
            cost {fmt(node.startupCost)}..{fmt(node.totalCost)}
          </span>
        )}
        {node.details.length > 0 && (
          <button type="button" className="link small" onClick={() => setDetails(!details)} aria-expanded={details}>
            {details ? 'less' : 'details'}
          </button>
        )}
      </div>
      {details && (
        <div className="plan-details">
          {node.details.map((d, i) => (
            <div key={i}>{d}</div>
          ))}
        </div>
      )}
      {open && node.children.length > 0 && (
        <ul role="group">
          {node.children.map((c, i) => (
            <PlanNodeView key={i} node={c} analysis={analysis} />
          ))}
        </ul>
      )}
    </li>
  );
}

function fmt(v: number | undefined): string {
  if (v === undefined) return '?';
  return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Math.round(v * 100) / 100);
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
