import type { Plan, PlanNode } from './plan-model';

type JsonNode = Record<string, unknown>;

/** The keys a plan node's headline shows; every other key becomes a detail line. */
const SHOWN = new Set([
  'Node Type',
  'Plans',
  'Relation Name',
  'Alias',
  'Schema',
  'Index Name',
  'Join Type',
  'Strategy',
  'Parent Relationship',
  'Subplan Name',
  'CTE Name',
  'Function Name',
  'Startup Cost',
  'Total Cost',
  'Plan Rows',
  'Actual Startup Time',
  'Actual Total Time',
  'Actual Rows',
  'Actual Loops',
  'Workers Launched',
  'Workers Planned',
  'Parallel Aware',
  'Async Capable',
  'Plan Width',
]);

/** EXPLAIN (FORMAT JSON) as a Plan; null when the value is not one (the raw JSON is shown then). */
export function parseJsonPlan(value: unknown): Plan | null {
  let data = value;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      return null;
    }
  }
  const top = (Array.isArray(data) ? data[0] : data) as JsonNode | undefined;
  if (!top || typeof top !== 'object' || !top.Plan || typeof top.Plan !== 'object') return null;
  const extras = Object.entries(top)
    .filter(([k]) => k !== 'Plan')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v as string | number)}`);
  return {
    root: node(top.Plan as JsonNode),
    planningMs: num(top['Planning Time']),
    executionMs: num(top['Execution Time']),
    extras,
  };
}

function node(j: JsonNode): PlanNode {
  const type = [str(j['Strategy']) && j['Node Type'] === 'Aggregate' ? str(j['Strategy']) : undefined, str(j['Node Type']) ?? '?']
    .filter(Boolean)
    .join(' ');
  const join = str(j['Join Type']);
  const headType = join && join !== 'Inner' && /Join|Nested Loop/.test(type) ? `${type} (${join})` : type;
  const relation = str(j['Relation Name']) ?? str(j['CTE Name']) ?? str(j['Function Name']);
  const alias = str(j['Alias']);
  const index = str(j['Index Name']);
  const target = [index && `using ${index}`, relation && `on ${relation}${alias && alias !== relation ? ` ${alias}` : ''}`]
    .filter(Boolean)
    .join(' ');
  const loops = num(j['Actual Loops']);
  const details = Object.entries(j)
    .filter(([k]) => !SHOWN.has(k))
    .map(([k, v]) => `${k}: ${Array.isArray(v) || (v && typeof v === 'object') ? JSON.stringify(v) : String(v as string | number)}`);
  return {
    type: headType,
    target: target || undefined,
    role: str(j['Subplan Name']) ?? (j['Parent Relationship'] === 'InitPlan' ? 'InitPlan' : undefined),
    startupCost: num(j['Startup Cost']),
    totalCost: num(j['Total Cost']),
    planRows: num(j['Plan Rows']),
    actualTotalMs: num(j['Actual Total Time']),
    actualRows: num(j['Actual Rows']),
    loops,
    neverExecuted: loops === 0,
    workers: num(j['Workers Launched']),
    details,
    children: Array.isArray(j.Plans) ? (j.Plans as JsonNode[]).map(node) : [],
  };
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}
