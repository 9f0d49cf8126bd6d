import { useEffect, useRef } from 'react';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { formatValue } from '../format';
import { MAX_CHART_POINTS, toNumber, toTime, type ChartSpec } from './chart-choice';

// Only what the three chart kinds use: Chart.js tree-shakes the rest away.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  Legend,
);

const COLORS = ['#336791', '#d97706', '#059669', '#9333ea', '#dc2626', '#0891b2'];

interface Props {
  spec: ChartSpec;
  rows: Record<string, unknown>[];
}

/** A line, bar or scatter chart of a result (loaded on first use: Chart.js stays out of the first page load). */
export default function ResultChart({ spec, rows }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const chart = new Chart(canvas.current!, config(spec, rows.slice(0, MAX_CHART_POINTS), getComputedStyle(canvas.current!)));
    return () => chart.destroy();
  }, [spec, rows]);
  return (
    <figure className="result-chart" data-testid="result-chart" data-kind={spec.kind}>
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={`${spec.kind} chart of ${spec.y.join(', ')} by ${spec.x}`} />
      </div>
      <figcaption className="muted small">
        {spec.kind} chart: {spec.y.join(', ')} by {spec.x}
        {rows.length > MAX_CHART_POINTS && ` (first ${MAX_CHART_POINTS.toLocaleString('en-US')} rows)`}
      </figcaption>
    </figure>
  );
}

/** {x, y} points for a numeric x axis (rows with a gap on either side left out), else y values by label. */
function points(
  rows: Record<string, unknown>[],
  y: string,
  xOf: (r: Record<string, unknown>, k: number) => number | null,
  numericX: boolean,
): (number | null)[] | { x: number; y: number }[] {
  if (!numericX) return rows.map((r) => toNumber(r[y]));
  const out: { x: number; y: number }[] = [];
  rows.forEach((r, k) => {
    const x = xOf(r, k);
    const v = toNumber(r[y]);
    if (x !== null && v !== null) out.push({ x, y: v });
  });
  return out;
}

function config(spec: ChartSpec, rows: Record<string, unknown>[], style: CSSStyleDeclaration): ChartConfiguration {
  const text = style.getPropertyValue('--text').trim() || '#1f2933';
  const grid = style.getPropertyValue('--border').trim() || '#dfe3e8';
  const color = (i: number) => COLORS[i % COLORS.length];
  const times = spec.kind === 'line' ? rows.map((r) => toTime(r[spec.x])) : [];
  // a line over real time when every x reads as a date; otherwise over the labels as they came
  const timeAxis = spec.kind === 'line' && times.every((t) => t !== null);
  const scales = {
    x: {
      type: spec.kind === 'scatter' || timeAxis ? ('linear' as const) : ('category' as const),
      title: { display: true, text: spec.x, color: text },
      ticks: { color: text, ...(timeAxis ? { callback: (v: string | number) => new Date(Number(v)).toISOString().slice(0, 10) } : {}) },
      grid: { color: grid },
    },
    y: { ticks: { color: text }, grid: { color: grid } },
  };
  const common = {
    animation: false as const,
    maintainAspectRatio: false,
    plugins: { legend: { labels: { color: text } } },
    scales,
  };
  if (spec.kind === 'bar') {
    return {
      type: 'bar',
      data: {
        labels: rows.map((r) => formatValue(r[spec.x]).text),
        datasets: spec.y.map((y, i) => ({ label: y, data: rows.map((r) => toNumber(r[y])), backgroundColor: color(i) })),
      },
      options: common,
    };
  }
  const xOf = (r: Record<string, unknown>, k: number) => (spec.kind === 'scatter' ? toNumber(r[spec.x]) : timeAxis ? times[k] : k);
  return {
    type: spec.kind,
    data: {
      labels: timeAxis || spec.kind === 'scatter' ? undefined : rows.map((r) => formatValue(r[spec.x]).text),
      datasets: spec.y.map((y, i) => ({
        label: y,
        data: points(rows, y, xOf, timeAxis || spec.kind === 'scatter'),
        borderColor: color(i),
        backgroundColor: color(i),
        pointRadius: spec.kind === 'scatter' ? 3 : rows.length > 200 ? 0 : 2,
        showLine: spec.kind === 'line',
      })),
    },
    options: common,
  };
}
