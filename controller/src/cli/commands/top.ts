import { Command, Option } from 'commander';
import type { FleetStats, SandboxView } from '@pgsbx/contract';
import { parseIntArg, parsePositiveDuration } from '../context';
import { CliError, ExitCode } from '../errors';
import { formatAge, formatMs } from '../format';
import type { CliIo } from '../io';
import { poolLine, reapsLine, sandboxTable, SORT_KEYS, SortKey, sortSandboxes } from '../views';
import { act, examples } from './define';

const CLEAR = '\x1b[H\x1b[2J';

export interface TopFrame {
  url: string;
  at: Date;
  intervalMs: number;
  stats?: FleetStats;
  sandboxes?: SandboxView[];
  error?: string;
  sort: SortKey;
  /** Terminal height: the table is cut to fit. */
  rows?: number;
}

export function renderTop(f: TopFrame): string {
  const lines = [`sandboxctl top  ${f.url}  ${f.at.toISOString().slice(11, 19)}  every ${formatAge(f.intervalMs)}, Ctrl+C to quit`];
  if (f.error || !f.stats || !f.sandboxes) {
    lines.push('', `${f.error ?? 'no data yet'}; retrying`);
    return lines.join('\n') + '\n';
  }
  const s = f.stats;
  const p = s.provisioningMs;
  lines.push(
    `sandboxes ${s.sandboxes}/${s.capacity} (${s.busy} busy, ${s.starting} starting)   pool ${poolLine(s.pool)}`,
    `provisioning p50/p95: pool ${formatMs(p.pool.p50)}/${formatMs(p.pool.p95)}, cold ${formatMs(p.cold.p50)}/${formatMs(p.cold.p95)}   reaps: ${reapsLine(s.reaps)}`,
    '',
  );
  const sorted = sortSandboxes(f.sandboxes, f.sort);
  if (!sorted.length) return [...lines, 'No sandboxes.'].join('\n') + '\n';
  const room = f.rows ? Math.max(1, f.rows - lines.length - 3) : Infinity;
  const shown = sorted.slice(0, room);
  const more = sorted.length - shown.length;
  return lines.join('\n') + '\n' + sandboxTable(shown) + (more > 0 ? `… and ${more} more (sorted by ${f.sort})\n` : '');
}

/** A live view: stats and the sandbox table, redrawn every --interval until Ctrl+C or --iterations. */
export function registerTopCommand(program: Command, io: CliIo): void {
  const top = program
    .command('top')
    .description('live view of the fleet and its sandboxes, refreshed every 2s (Ctrl+C to quit)')
    .option('--interval <duration>', 'time between refreshes', '2s')
    .option('--iterations <n>', 'stop after n refreshes')
    .addOption(new Option('--sort <key>', 'order of the sandbox table').choices(SORT_KEYS).default('mem'))
    .option('--json', 'one JSON line per refresh: {"at", "stats", "sandboxes"} with the API\'s JSON, or {"at", "error"}');
  examples(top, 'sandboxctl top', 'sandboxctl top --interval 5s --sort idle', 'sandboxctl top --json --interval 1m >> fleet.jsonl');
  top.addHelpText(
    'after',
    '\nUnreachable or unavailable (503) controllers are shown and retried; the exit code tells how the last refresh went.',
  );
  act<{ interval: string; iterations?: string; sort: SortKey; json?: boolean }>(io, top, async (ctx, _args, opts) => {
    const intervalMs = parsePositiveDuration(opts.interval, '--interval');
    const iterations = opts.iterations === undefined ? Infinity : parseIntArg(opts.iterations, '--iterations', 1, 1_000_000_000);
    const target = ctx.target();
    const api = ctx.client(target);
    const stop = new AbortController();
    const off = io.onInterrupt(() => stop.abort());
    const tty = io.stdout.isTTY === true && !opts.json;
    let failure: CliError | undefined;
    try {
      for (let i = 0; i < iterations && !stop.signal.aborted; i++) {
        if (i > 0) await io.sleep(intervalMs, stop.signal);
        if (stop.signal.aborted) break;
        const frame: TopFrame = {
          url: target.url,
          at: new Date(io.now()),
          intervalMs,
          sort: opts.sort,
          rows: tty ? io.stdout.rows : undefined,
        };
        let line = '';
        try {
          const signal = stop.signal;
          const [stats, list] = await Promise.all([
            api.get<FleetStats>('/api/admin/stats', { signal }),
            api.get<SandboxView[]>('/api/admin/sandboxes', { signal }),
          ]);
          frame.stats = stats.body;
          frame.sandboxes = list.body;
          line = `{"at":"${frame.at.toISOString()}","stats":${stats.text},"sandboxes":${list.text}}\n`;
          failure = undefined;
        } catch (e) {
          if (stop.signal.aborted) break;
          if (!(e instanceof CliError) || (e.exitCode !== ExitCode.unreachable && e.exitCode !== ExitCode.unavailable)) throw e;
          failure = e;
          frame.error = e.message;
          line = `${JSON.stringify({ at: frame.at.toISOString(), error: e.message })}\n`;
        }
        io.stdout.write(opts.json ? line : (tty ? CLEAR : i > 0 ? '\n' : '') + renderTop(frame));
      }
    } finally {
      off();
    }
    if (failure) throw failure;
  });
}
