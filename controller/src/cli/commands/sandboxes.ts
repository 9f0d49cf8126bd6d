import { Command, Option } from 'commander';
import type { HibernatedView, SandboxDetail, SandboxView } from '@pgsbx/contract';
import { confirm } from '../confirm';
import { CliContext, parseIntArg } from '../context';
import type { CliIo } from '../io';
import { terminalSafe, terminalSafeJson } from '../terminal-text';
import { FleetRow, fleetTable, rowIdleMs, rowUser } from '../saved-views';
import { inspectView, sandboxTable, SORT_KEYS, SortKey, sortSandboxes, STATES } from '../views';
import { act, examples, userPath } from './define';

const LIST_STATES = [...STATES, 'hibernated'] as const;
type ListState = (typeof LIST_STATES)[number];

/** ls, inspect, reset, rm, logs: one user's sandbox at a time, or all of them. */
export function registerSandboxCommands(program: Command, io: CliIo): void {
  const ls = program
    .command('ls')
    .description("list the users' sandboxes (--all: hibernated users too)")
    .addOption(new Option('--state <state>', 'only sandboxes in this state (hibernated implies --all)').choices(LIST_STATES))
    .addOption(new Option('--sort <key>', 'order: user (A-Z), or idle, age, mem (largest first)').choices(SORT_KEYS).default('user'))
    .option('-a, --all', 'also users with no container whose database is saved (hibernated): when, how big, and a ! on a failure')
    .option('--json', "print the API's JSON (filtered and sorted when --state/--sort are given; with --all: {sandboxes, hibernated})");
  examples(
    ls,
    'sandboxctl ls',
    'sandboxctl ls --state busy --sort mem',
    'sandboxctl ls --all --sort idle',
    "sandboxctl ls --json | jq -r '.[].user'",
  );
  act<{ state?: ListState; sort: SortKey; all?: boolean; json?: boolean }>(io, ls, async (ctx, _args, opts) => {
    if (opts.all || opts.state === 'hibernated') return listAll(ctx, opts, io.now());
    const res = await ctx.client().get<SandboxView[]>('/api/admin/sandboxes');
    const filtered = opts.state ? res.body.filter((s) => s.state === opts.state) : res.body;
    const sorted = sortSandboxes(filtered, opts.sort);
    if (opts.json) {
      const untouched = !opts.state && ls.getOptionValueSource('sort') === 'default';
      return ctx.out(untouched ? res.text : JSON.stringify(sorted));
    }
    ctx.out(sorted.length ? sandboxTable(sorted) : `No ${opts.state ? `${opts.state} ` : ''}sandboxes.`);
  });

  const inspect = program
    .command('inspect')
    .description("show one user's sandbox: container, state, idle time, memory, sessions, limits")
    .argument('<user>', 'user id (the JWT subject)')
    .option('--json', "print the API's JSON");
  examples(inspect, 'sandboxctl inspect alice', 'sandboxctl inspect alice --json | jq .status.idleExpiresAt');
  act<{ json?: boolean }>(io, inspect, async (ctx, [user], opts) => {
    const res = await ctx.client().get<SandboxDetail>(userPath(user));
    ctx.out(opts.json ? res.text : inspectView(res.body));
  });

  const reset = program
    .command('reset')
    .description("replace a user's container with a fresh one (their data and sessions are gone)")
    .argument('<user>', 'user id')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', "print the API's JSON");
  examples(reset, 'sandboxctl reset alice', 'sandboxctl reset alice --yes');
  act<{ yes?: boolean; json?: boolean }>(io, reset, async (ctx, [user], opts) => {
    await confirm(
      io,
      opts.yes,
      `reset ${user}'s sandbox`,
      `Reset ${user}'s sandbox? Its databases and sessions are replaced by a fresh container.`,
    );
    const res = await ctx.client().post<SandboxView>(`${userPath(user)}/reset`);
    ctx.out(opts.json ? res.text : `Reset ${user}: fresh container ${res.body.containerId} (${res.body.container}), ${res.body.state}.`);
  });

  const rm = program
    .command('rm')
    .description("remove a user's sandbox and saved databases (container, hibernation archive, checkpoints); their next query starts empty")
    .argument('<user>', 'user id')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', "print the API's JSON");
  examples(rm, 'sandboxctl rm alice', 'sandboxctl rm alice --yes');
  act<{ yes?: boolean; json?: boolean }>(io, rm, async (ctx, [user], opts) => {
    await confirm(
      io,
      opts.yes,
      `remove ${user}'s sandbox`,
      `Remove ${user}'s sandbox and all its data, including their saved database and checkpoints (archives)?`,
    );
    const res = await ctx.client().delete<{ removed: boolean }>(userPath(user));
    ctx.out(opts.json ? res.text : `Removed ${user}'s sandbox and saved databases.`);
  });

  const logs = program
    .command('logs')
    .description("print the Postgres log of a user's container")
    .argument('<user>', 'user id')
    .option('--tail <n>', 'last n lines (1-10000)', '100')
    .option('--json', "print the API's JSON");
  examples(logs, 'sandboxctl logs alice', 'sandboxctl logs alice --tail 20');
  act<{ tail: string; json?: boolean }>(io, logs, async (ctx, [user], opts) => {
    const tail = parseIntArg(opts.tail, '--tail', 1, 10_000);
    const res = await ctx.client().get<{ logs: string }>(`${userPath(user)}/logs?tail=${tail}`);
    // The log holds what users' SQL made Postgres write: never let it drive the operator's terminal.
    ctx.out(opts.json ? terminalSafeJson(res.text) : terminalSafe(res.body.logs));
  });
}

/** `ls --all`: running sandboxes and hibernated users in one table, sorted as asked. */
async function listAll(ctx: CliContext, opts: { state?: ListState; sort: SortKey; json?: boolean }, now: number): Promise<void> {
  const api = ctx.client();
  const [running, hibernated] = await Promise.all([
    api.get<SandboxView[]>('/api/admin/sandboxes'),
    api.get<HibernatedView[]>('/api/admin/hibernated'),
  ]);
  const sandboxes = opts.state === 'hibernated' ? [] : running.body.filter((s) => !opts.state || s.state === opts.state);
  const asleep = !opts.state || opts.state === 'hibernated' ? hibernated.body : [];
  if (opts.json) return ctx.out(JSON.stringify({ sandboxes: sortSandboxes(sandboxes, opts.sort), hibernated: asleep }));
  const rank = new Map(sortSandboxes(sandboxes, opts.sort).map((s, i) => [s, i]));
  const rows: FleetRow[] = [
    ...sandboxes.map((sb): FleetRow => ({ kind: 'running', sb })),
    ...asleep.map((h): FleetRow => ({ kind: 'hibernated', h })),
  ];
  // Hibernated users have no age, memory or CPU: by those keys they come after the running ones.
  const byUser = (a: FleetRow, b: FleetRow) => rowUser(a).localeCompare(rowUser(b));
  rows.sort((a, b) => {
    if (opts.sort === 'user') return byUser(a, b);
    if (opts.sort === 'idle') return rowIdleMs(b, now) - rowIdleMs(a, now) || byUser(a, b);
    if (a.kind !== b.kind) return a.kind === 'running' ? -1 : 1;
    return a.kind === 'running' && b.kind === 'running' ? rank.get(a.sb)! - rank.get(b.sb)! : byUser(a, b);
  });
  ctx.out(rows.length ? fleetTable(rows, now) : `No ${opts.state ? `${opts.state} ` : ''}sandboxes and no hibernated users.`);
}
