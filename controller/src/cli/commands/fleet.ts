import { Command } from 'commander';
import { formatDuration } from '../../common/duration';
import type { DrainResult, FleetStats, PoolStatus, ReapResult } from '@pgsbx/contract';
import { confirm, requireConfirmable } from '../confirm';
import { parseDurationArg, parseIntArg } from '../context';
import type { CliIo } from '../io';
import { plural } from '../format';
import { poolLine, poolView, reapView, statsView } from '../views';
import { act, examples } from './define';

/** reap, pool, pool set, drain, undrain, stats: the fleet as a whole. */
export function registerFleetCommands(program: Command, io: CliIo): void {
  const reap = program
    .command('reap')
    .description('remove idle sandboxes now (busy ones are never reaped)')
    .option('--idle <duration>', "reap sandboxes idle at least this long (default: the controller's SANDBOX_IDLE_TIMEOUT)")
    .option('--dry-run', 'only list what would be reaped')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', "print the API's JSON");
  examples(reap, 'sandboxctl reap --dry-run', 'sandboxctl reap --idle 10m', 'sandboxctl reap --idle 2h --yes');
  act<{ idle?: string; dryRun?: boolean; yes?: boolean; json?: boolean }>(io, reap, async (ctx, _args, opts) => {
    const idle = opts.idle === undefined ? undefined : formatDuration(parseDurationArg(opts.idle, '--idle'));
    if (!opts.dryRun) requireConfirmable(io, opts.yes, 'reap sandboxes');
    const api = ctx.client();
    if (!opts.dryRun && !opts.yes) {
      const preview = await api.post<ReapResult>('/api/admin/reap', { dryRun: true, idle });
      if (!preview.body.reaped.length) return ctx.out(opts.json ? preview.text : reapView([], true));
      ctx.out(reapView(preview.body.reaped, true));
      await confirm(io, false, 'reap', `Reap ${plural(preview.body.reaped.length, 'sandbox', 'sandboxes')} (those still idle enough)?`);
    }
    const res = await api.post<ReapResult>('/api/admin/reap', { dryRun: opts.dryRun === true, idle });
    ctx.out(opts.json ? res.text : reapView(res.body.reaped, res.body.dryRun));
  });

  const pool = program
    .command('pool')
    .description('show the warm pool (started, unclaimed containers), or change its size')
    .option('--json', "print the API's JSON");
  examples(pool, 'sandboxctl pool', 'sandboxctl pool set 5', 'sandboxctl pool --json');
  act<{ json?: boolean }>(io, pool, async (ctx, _args, opts) => {
    const res = await ctx.client().get<PoolStatus>('/api/admin/pool');
    ctx.out(opts.json ? res.text : poolView(res.body));
  });

  const set = pool
    .command('set')
    .description("set the warm pool's target size (0-100) until the controller restarts")
    .argument('<n>', 'number of warm containers')
    .option('--json', "print the API's JSON");
  examples(set, 'sandboxctl pool set 5', 'sandboxctl pool set 0    # no warm containers');
  act<{ json?: boolean }>(io, set, async (ctx, [n], opts) => {
    const size = parseIntArg(n, 'pool size', 0, 100);
    const res = await ctx.client().put<PoolStatus>('/api/admin/pool', { size });
    ctx.out(opts.json ? res.text : `Pool target set to ${size}: ${poolLine(res.body)}.`);
  });

  const drain = program
    .command('drain')
    .description('stop giving out new sandboxes (and resets) before maintenance; running ones keep working')
    .option('--hibernate', 'also save and stop every idle sandbox now (busy ones keep running); users get their data back after undrain')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', "print the API's JSON");
  examples(
    drain,
    'sandboxctl drain --yes && sandboxctl ls --state busy',
    'sandboxctl drain --hibernate --yes --timeout 10m   # before an upgrade',
    'sandboxctl undrain',
  );
  act<{ hibernate?: boolean; yes?: boolean; json?: boolean }>(io, drain, async (ctx, _args, opts) => {
    const question = opts.hibernate
      ? 'Drain the fleet and hibernate every idle sandbox? Their databases are saved and their containers removed; ' +
        'new users, wakes and resets get 503 until "sandboxctl undrain".'
      : 'Drain the fleet? New users and resets get 503 until "sandboxctl undrain".';
    await confirm(io, opts.yes, 'drain the fleet', question);
    const res = await ctx.client().post<DrainResult>('/api/admin/drain', opts.hibernate ? { hibernate: true } : {});
    if (opts.json) return ctx.out(res.text);
    const saved = res.body.hibernated === undefined ? '' : ` Hibernated ${plural(res.body.hibernated, 'idle sandbox', 'idle sandboxes')}.`;
    ctx.out(`Draining: new sandboxes and resets are refused until "sandboxctl undrain".${saved} Pool: ${poolLine(res.body)}.`);
  });

  const undrain = program
    .command('undrain')
    .description('give out new sandboxes again and refill the pool')
    .option('--json', "print the API's JSON");
  examples(undrain, 'sandboxctl undrain');
  act<{ json?: boolean }>(io, undrain, async (ctx, _args, opts) => {
    const res = await ctx.client().post<PoolStatus>('/api/admin/undrain');
    ctx.out(opts.json ? res.text : `Undrained: new sandboxes are given out again. Pool: ${poolLine(res.body)}.`);
  });

  const stats = program
    .command('stats')
    .description('counts, capacity, pool, provisioning latency (p50/p95 by source) and reaps by reason')
    .option('--json', "print the API's JSON");
  examples(stats, 'sandboxctl stats', 'sandboxctl stats --json | jq .provisioningMs.pool.p95');
  act<{ json?: boolean }>(io, stats, async (ctx, _args, opts) => {
    const res = await ctx.client().get<FleetStats>('/api/admin/stats');
    ctx.out(opts.json ? res.text : statsView(res.body));
  });
}
