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
 */
export function analyzePlan(plan: Plan): PlanAnalysis {
  const stats = new Map<PlanNode, NodeStats>();
  const inclusive = (n: PlanNode, parallel: number): number | undefined => {
    if (n.neverExecuted) return 0;
    if (n.actualTotalMs === undefined) return undefined;
    return (n.actualTotalMs * (n.loops ?? 1)) / parallel;
  };
  let slowest: PlanNode | undefined;
  let slowestMs = -1;
  const walk = (n: PlanNode, parallel: number) => {
    const p = n.workers !== undefined && /^Gather/.test(n.type) ? n.workers + 1 : parallel;
    const own = inclusive(n, parallel);
    let childMs = 0;
    for (const c of n.children) {
      walk(c, p);
      // an InitPlan runs once before its parent starts; it is still inside the parent's time
      childMs += stats.get(c)?.inclusiveMs ?? 0;
    }
    const s: NodeStats = {};
    if (own !== undefined) {
      s.inclusiveMs = own;
      s.exclusiveMs = Math.max(0, own - childMs);
      if (s.exclusiveMs > slowestMs) {
        slowestMs = s.exclusiveMs;
        slowest = n;
      }
    }
    if (n.planRows !== undefined && n.actualRows !== undefined && !n.neverExecuted) {
      s.misestimate = Math.max(n.actualRows, 1) / Math.max(n.planRows, 1);
    }
    stats.set(n, s);
  };
  walk(plan.root, 1);
  const totalMs = plan.executionMs ?? stats.get(plan.root)?.inclusiveMs;
  return { stats, slowest, totalMs };
}

/** "12× under" / "3.4× over", or null when the estimate was within a factor of 2. */
export function misestimateLabel(factor: number | undefined): string | null {
  if (factor === undefined) return null;
  const f = factor >= 1 ? factor : 1 / factor;
  if (f < 2) return null;
  const text = f >= 100 ? Math.round(f).toLocaleString('en-US') : f >= 10 ? String(Math.round(f)) : f.toFixed(1);
  return `${text}× ${factor >= 1 ? 'under' : 'over'}estimated`;
}
