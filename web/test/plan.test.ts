import { describe, expect, it } from 'vitest';
import { analyzePlan, misestimateLabel } from '../src/results/plan/plan-model';
import { parseJsonPlan } from '../src/results/plan/plan-json';
import { parseTextPlan } from '../src/results/plan/plan-text';

// EXPLAIN ANALYZE output of Postgres 17 (times rounded)
const TEXT = `Hash Join  (cost=1.09..25.21 rows=4 width=68) (actual time=0.030..5.000 rows=400 loops=1)
  Hash Cond: (a.id = b.id)
  InitPlan 1
    ->  Result  (cost=0.00..0.01 rows=1 width=4) (actual time=0.001..0.002 rows=1 loops=1)
  ->  Seq Scan on a  (cost=0.00..1.04 rows=4 width=36) (actual time=0.005..1.000 rows=4 loops=1)
        Filter: (id > 0)
        Rows Removed by Filter: 2
  ->  Hash  (cost=1.04..1.04 rows=4 width=36) (actual time=3.500..3.500 rows=4 loops=1)
        Buckets: 1024  Batches: 1  Memory Usage: 9kB
        ->  Index Scan using b_pkey on b bb  (cost=0.15..1.04 rows=4 width=36) (actual time=0.011..0.750 rows=4 loops=4)
  ->  Seq Scan on c  (cost=0.00..1.04 rows=4 width=36) (never executed)
Planning Time: 0.081 ms
Execution Time: 5.120 ms`;

describe('text plans', () => {
  const plan = parseTextPlan(TEXT)!;

  it('reads the tree from the indentation and the "->" arrows', () => {
    expect(plan.root.type).toBe('Hash Join');
    expect(plan.root.children.map((c) => `${c.type} ${c.target ?? ''}`.trim())).toEqual([
      'Result',
      'Seq Scan on a',
      'Hash',
      'Seq Scan on c',
    ]);
    expect(plan.root.children[0].role).toBe('InitPlan 1');
    expect(plan.root.children[2].children[0]).toMatchObject({
      type: 'Index Scan',
      target: 'using b_pkey on b bb',
      loops: 4,
      actualTotalMs: 0.75,
    });
    expect(plan.root.details).toEqual(['Hash Cond: (a.id = b.id)']);
    expect(plan.root.children[1].details).toEqual(['Filter: (id > 0)', 'Rows Removed by Filter: 2']);
    expect(plan.root.children[3].neverExecuted).toBe(true);
  });

  it('reads costs, actual times and the footer', () => {
    expect(plan.root).toMatchObject({ startupCost: 1.09, totalCost: 25.21, planRows: 4, actualTotalMs: 5, actualRows: 400, loops: 1 });
    expect(plan.planningMs).toBe(0.081);
    expect(plan.executionMs).toBe(5.12);
    expect(plan.extras).toEqual(['Planning Time: 0.081 ms', 'Execution Time: 5.120 ms']);
  });

  it('exclusive time takes the children out and multiplies by loops; the slowest node is found', () => {
    const { stats, slowest, totalMs } = analyzePlan(plan);
    const hash = plan.root.children[2];
    const index = hash.children[0];
    expect(stats.get(index)?.exclusiveMs).toBeCloseTo(3.0); // 0.75 ms × 4 loops
    expect(stats.get(hash)?.exclusiveMs).toBeCloseTo(0.5); // 3.5 − 3.0
    expect(stats.get(plan.root)?.exclusiveMs).toBeCloseTo(5 - 0.002 - 1 - 3.5);
    expect(stats.get(plan.root.children[3])?.exclusiveMs).toBe(0);
    expect(slowest).toBe(index);
    expect(totalMs).toBe(5.12);
  });

  it('the misestimate factor compares rows per loop', () => {
    const { stats } = analyzePlan(plan);
    expect(stats.get(plan.root)?.misestimate).toBe(100);
    expect(misestimateLabel(100)).toBe('100× underestimated');
    expect(misestimateLabel(0.25)).toBe('4.0× overestimated');
    expect(misestimateLabel(1.5)).toBeNull();
  });

  it('a plain EXPLAIN has costs and no times', () => {
    const p = parseTextPlan('Seq Scan on t  (cost=0.00..22.70 rows=1270 width=36)')!;
    expect(p.root).toMatchObject({ type: 'Seq Scan', target: 'on t', planRows: 1270 });
    expect(analyzePlan(p).slowest).toBeUndefined();
  });

  it('Postgres 18 fractional rows and TIMING OFF parse', () => {
    const p = parseTextPlan('Seq Scan on t  (cost=0.00..1.00 rows=10 width=4) (actual rows=2.50 loops=2)')!;
    expect(p.root).toMatchObject({ actualRows: 2.5, loops: 2 });
    expect(p.root.actualTotalMs).toBeUndefined();
  });

  it('a CTE counts inside the CTE Scan that reads it, not twice', () => {
    // Postgres 18 (PGlite): the CTE's 2.77 ms are inside the CTE Scan's 2.825 ms
    const p = parseTextPlan(`Sort  (cost=70.00..70.02 rows=9 width=20) (actual time=2.881..2.885 rows=9.00 loops=1)
  Sort Key: a.id
  CTE x
    ->  HashAggregate  (cost=61.00..61.07 rows=7 width=12) (actual time=2.768..2.770 rows=7.00 loops=1)
          Group Key: a_1.k
          ->  Seq Scan on a a_1  (cost=0.00..46.00 rows=3000 width=4) (actual time=0.008..0.730 rows=3000.00 loops=1)
  ->  Hash Join  (cost=0.51..8.79 rows=9 width=20) (actual time=2.864..2.872 rows=9.00 loops=1)
        Hash Cond: (a.k = x.k)
        ->  Index Scan using a_id_idx on a  (cost=0.28..8.44 rows=9 width=8) (actual time=0.008..0.011 rows=9.00 loops=1)
        ->  Hash  (cost=0.14..0.14 rows=7 width=12) (actual time=2.848..2.849 rows=7.00 loops=1)
              ->  CTE Scan on x  (cost=0.00..0.14 rows=7 width=12) (actual time=2.820..2.825 rows=7.00 loops=1)
Planning Time: 0.257 ms
Execution Time: 2.933 ms`)!;
    const [cte, join] = p.root.children;
    expect(cte.role).toBe('CTE x');
    const scan = join.children[1].children[0];
    const { stats, slowest } = analyzePlan(p);
    expect(stats.get(scan)?.exclusiveMs).toBeCloseTo(2.825 - 2.77);
    expect(stats.get(p.root)?.exclusiveMs).toBeCloseTo(2.885 - 2.872);
    expect(stats.get(cte)?.exclusiveMs).toBeCloseTo(2.77 - 0.73);
    expect(slowest).toBe(cte);
  });

  it('is null for text that is no plan', () => {
    expect(parseTextPlan('')).toBeNull();
  });
});

describe('JSON plans', () => {
  const json = [
    {
      Plan: {
        'Node Type': 'Gather',
        'Startup Cost': 1000,
        'Total Cost': 2000,
        'Plan Rows': 100,
        'Actual Total Time': 40,
        'Actual Rows': 100,
        'Actual Loops': 1,
        'Workers Launched': 2,
        Plans: [
          {
            'Node Type': 'Seq Scan',
            'Parent Relationship': 'Outer',
            'Parallel Aware': true,
            'Relation Name': 'big',
            Alias: 'b',
            'Plan Rows': 10,
            'Actual Total Time': 30,
            'Actual Rows': 33,
            'Actual Loops': 3,
            Filter: '(x > 1)',
          },
        ],
      },
      'Planning Time': 0.2,
      'Execution Time': 41,
    },
  ];

  it('maps nodes, targets and details', () => {
    const p = parseJsonPlan(JSON.stringify(json))!;
    expect(p.root.type).toBe('Gather');
    expect(p.root.children[0]).toMatchObject({ type: 'Seq Scan', target: 'on big b', details: ['Filter: (x > 1)'] });
    expect(p.executionMs).toBe(41);
  });

  it('a parallel node counts wall-clock time: its loops include the workers', () => {
    const p = parseJsonPlan(json)!;
    const { stats, slowest } = analyzePlan(p);
    expect(stats.get(p.root.children[0])?.exclusiveMs).toBeCloseTo(30); // 30 ms × 3 loops / 3 processes
    expect(stats.get(p.root)?.exclusiveMs).toBeCloseTo(10);
    expect(slowest).toBe(p.root.children[0]);
    expect(stats.get(p.root.children[0])?.misestimate).toBeCloseTo(3.3);
  });

  it('is null for JSON that is no plan', () => {
    expect(parseJsonPlan('[1, 2]')).toBeNull();
    expect(parseJsonPlan('not json')).toBeNull();
  });
});
