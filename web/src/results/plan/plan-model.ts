/**
 * One EXPLAIN plan, whichever format it came in (plan-json.ts, plan-text.ts), with what the plan
 * view draws: each node's exclusive time, its row misestimate, and the slowest node.
 */
export interface PlanNode {
  /** "Seq Scan", "Hash Join", "Index Scan" … */
  type: string;
  /** What it reads or how: "on people p", "using people_pkey on people". */
  target?: string;
  /** "InitPlan 1", "SubPlan 2", "CTE totals": how its parent uses it. */
  role?: string;
  startupCost?: number;
  totalCost?: number;
  planRows?: number;
  /** Per loop, as Postgres reports them. */
  actualTotalMs?: number;
  actualRows?: number;
  loops?: number;
  neverExecuted?: boolean;
  /** Workers that ran this node besides the leader (a parallel node's loops count them). */
  workers?: number;
  /** The node's other lines: conditions, buffers, sort methods… */
  details: string[];
  children: PlanNode[];
}

export interface Plan {
  root: PlanNode;
  planningMs?: number;
  executionMs?: number;
  /** Lines after the tree (Planning Time, JIT, Triggers…), shown as they came. */
  extras: string[];
}

export interface NodeStats {
  /** The node's own time over all its loops, its children's time taken out. */
  exclusiveMs?: number;
  /** The node's time over all its loops, its children included. */
  inclusiveMs?: number;
  /** actual / estimated rows per loop (> 1: more than the planner thought); both counted from 1. */
  misestimate?: number;
}

export interface PlanAnalysis {
  stats: Map<PlanNode, NodeStats>;
  /** The node with the largest exclusive time (ANALYZE plans only). */
  slowest?: PlanNode;
  /** What a time bar is a share of: the execution time, else the root's time. */
  totalMs?: number;
}

/**
 * Exclusive time as pev2 and explain.dalibo.com count it: a node's time per loop × its loops,
 * minus its children's, never below zero. In a parallel part of the plan the loops include the
 * workers, which ran at the same time: the sum is divided by workers + 1 to stay wall-clock time.
 * A CTE runs when its CTE Scans pull rows, so its time is inside theirs: it is not taken from the
 * node it hangs under but from the CTE Scans that read it, in plan order, until it is used up.
 */
export function analyzePlan(plan: Plan): PlanAnalysis {
  const stats = new Map<PlanNode, NodeStats>();
  const inclusive = new Map<PlanNode, number>();
  const cteLeft = new Map<string, number>();
  const measure = (n: PlanNode, parallel: number) => {
    const p = n.workers !== undefined && /^Gather/.test(n.type) ? n.workers + 1 : parallel;
    if (n.neverExecuted) inclusive.set(n, 0);
    else if (n.actualTotalMs !== undefined) inclusive.set(n, (n.actualTotalMs * (n.loops ?? 1)) / parallel);
    const cte = cteName(n);
    if (cte) cteLeft.set(cte, inclusive.get(n) ?? 0);
    for (const c of n.children) measure(c, p);
  };
  measure(plan.root, 1);

  let slowest: PlanNode | undefined;
  let slowestMs = -1;
  const walk = (n: PlanNode) => {
    const s: NodeStats = {};
    const own = inclusive.get(n);
    if (own !== undefined) {
      let exclusive = own;
      for (const c of n.children) if (!cteName(c)) exclusive -= inclusive.get(c) ?? 0;
      const scanned = n.type === 'CTE Scan' ? n.target?.replace(/^on /, '').split(' ')[0] : undefined;
      if (scanned && cteLeft.has(scanned)) {
        const taken = Math.min(cteLeft.get(scanned)!, Math.max(0, exclusive));
        cteLeft.set(scanned, cteLeft.get(scanned)! - taken);
        exclusive -= taken;
      }
      s.inclusiveMs = own;
      s.exclusiveMs = Math.max(0, exclusive);
      if (s.exclusiveMs > slowestMs) {
        slowestMs = s.exclusiveMs;
        slowest = n;
      }
    }
    if (n.planRows !== undefined && n.actualRows !== undefined && !n.neverExecuted) {
      s.misestimate = Math.max(n.actualRows, 1) / Math.max(n.planRows, 1);
    }
    stats.set(n, s);
    for (const c of n.children) walk(c);
  };
  walk(plan.root);
  const totalMs = plan.executionMs ?? stats.get(plan.root)?.inclusiveMs;
  return { stats, slowest, totalMs };
}

/** "x" for the node a plan labels "CTE x". */
function cteName(n: PlanNode): string | undefined {
  return n.role?.startsWith('CTE ') ? n.role.slice(4) : undefined;
}

/** "12× under" / "3.4× over", or null when the estimate was within a factor of 2. */
export function misestimateLabel(factor: number | undefined): string | null {
  if (factor === undefined) return null;
  const f = factor >= 1 ? factor : 1 / factor;
  if (f < 2) return null;
  const text = f >= 100 ? Math.round(f).toLocaleString('en-US') : f >= 10 ? String(Math.round(f)) : f.toFixed(1);
  return `${text}× ${factor >= 1 ? 'under' : 'over'}estimated`;
}
