import type { Plan, PlanNode } from './plan-model';

const COST = /\(cost=([\d.]+)\.\.([\d.]+) rows=(\d+) width=\d+\)/;
const ACTUAL = /\(actual (?:time=([\d.]+)\.\.([\d.]+) )?rows=([\d.]+) loops=(\d+)\)/;
const ROLE = /^(InitPlan|SubPlan|CTE)\b/;

interface Open {
  node: PlanNode;
  /** The column its headline text starts at: its detail lines and child arrows are further right. */
  col: number;
}

/**
 * EXPLAIN's text format as a Plan. The tree is in the indentation: a node is the first line or a
 * line whose text starts with "->"; any other line belongs to the nearest node to its left
 * (a detail such as "Filter: …", or "InitPlan 1"/"SubPlan 2"/"CTE x", which labels the next
 * node); lines at the left edge after the tree are the footer (Planning Time, Execution Time…).
 * Null when the text has no node.
 */
export function parseTextPlan(text: string): Plan | null {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let root: PlanNode | undefined;
  const stack: Open[] = [];
  const extras: string[] = [];
  let role: string | undefined;
  let planningMs: number | undefined;
  let executionMs: number | undefined;
  for (const line of lines) {
    if (!line.trim()) continue;
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    const arrow = /^->\s+/.exec(body);
    while (stack.length && stack[stack.length - 1].col >= indent) stack.pop();
    if (!root || arrow) {
      if (root && !stack.length) {
        extras.push(body);
        continue;
      }
      const node = headline(arrow ? body.slice(arrow[0].length) : body);
      if (role) node.role = role;
      role = undefined;
      if (root) stack[stack.length - 1].node.children.push(node);
      else root = node;
      stack.push({ node, col: indent + (arrow ? arrow[0].length : 0) });
      continue;
    }
    const owner = stack[stack.length - 1];
    if (!owner) {
      const m = /^(Planning|Execution) Time: ([\d.]+) ms/.exec(body);
      if (m?.[1] === 'Planning') planningMs = Number(m[2]);
      else if (m) executionMs = Number(m[2]);
      extras.push(body);
      continue;
    }
    if (ROLE.test(body)) {
      role = body.replace(/\s*\(returns .*\)$/, '');
      continue;
    }
    const workers = /^Workers Launched: (\d+)/.exec(body);
    if (workers) owner.node.workers = Number(workers[1]);
    owner.node.details.push(body);
  }
  return root ? { root, planningMs, executionMs, extras } : null;
}

function headline(text: string): PlanNode {
  const cut = text.search(/\s{2}\(|\s\((?:cost|actual|never)/);
  const name = (cut < 0 ? text : text.slice(0, cut)).trim();
  const on = name.search(/ (using|on) /);
  const node: PlanNode = {
    type: on < 0 ? name : name.slice(0, on),
    target: on < 0 ? undefined : name.slice(on + 1),
    details: [],
    children: [],
  };
  const cost = COST.exec(text);
  if (cost) {
    node.startupCost = Number(cost[1]);
    node.totalCost = Number(cost[2]);
    node.planRows = Number(cost[3]);
  }
  const actual = ACTUAL.exec(text);
  if (actual) {
    if (actual[2] !== undefined) node.actualTotalMs = Number(actual[2]);
    node.actualRows = Number(actual[3]);
    node.loops = Number(actual[4]);
  }
  if (/\(never executed\)/.test(text)) {
    node.neverExecuted = true;
    node.loops = 0;
  }
  return node;
}
