import { Command } from 'commander';
import type { CheckpointList, HibernateResult, SandboxDetail, StorageReport } from '@pgsbx/contract';
import { confirm } from '../confirm';
import { CliError, ExitCode } from '../errors';
import type { CliIo } from '../io';
import { checkpointsView, storageView, wakeLine } from '../saved-views';
import { act, examples, userPath } from './define';

/** What a refused hibernate tells the operator, and the exit code a script sees. */
const NOT_HIBERNATED: Record<NonNullable<HibernateResult['reason']>, [string, ExitCode]> = {
  already: ['is already hibernated', ExitCode.ok],
  none: ['has no sandbox: nothing to hibernate', ExitCode.notFound],
  busy: ['is running a statement; try again when it ends', ExitCode.conflict],
  failed: ["could not be saved; the sandbox is kept as it was and nothing was lost (see the controller's log)", ExitCode.failure],
};

/** hibernate, wake, checkpoints, storage: users' saved databases (issue 11). */
export function registerSavedCommands(program: Command, io: CliIo): void {
  const hibernate = program
    .command('hibernate')
    .description("save a user's database and remove their container; their next query restores it")
    .argument('<user>', 'user id')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', "print the API's JSON");
  examples(hibernate, 'sandboxctl hibernate alice', 'sandboxctl hibernate alice --yes && sandboxctl ls --all');
  act<{ yes?: boolean; json?: boolean }>(io, hibernate, async (ctx, [user], opts) => {
    await confirm(
      io,
      opts.yes,
      `hibernate ${user}'s sandbox`,
      `Hibernate ${user}'s sandbox? The database is saved and the container removed; open sessions, transactions and temp tables end.`,
    );
    const res = await ctx.client().post<HibernateResult>(`${userPath(user)}/hibernate`);
    if (opts.json) ctx.out(res.text);
    if (res.body.hibernated) {
      if (!opts.json) ctx.out(`Hibernated ${user}: database saved, container removed. Their next query restores it.`);
      return;
    }
    const [why, code] = NOT_HIBERNATED[res.body.reason ?? 'failed'];
    if (code === ExitCode.ok) return opts.json ? undefined : ctx.out(`${user} ${why}.`);
    throw new CliError(`${user} ${why}.`, code);
  });

  const wake = program
    .command('wake')
    .description("restore a hibernated user's database into a container now (before they come back)")
    .argument('<user>', 'user id')
    .option('--json', "print the API's JSON");
  examples(wake, 'sandboxctl wake alice', 'sandboxctl wake alice --json | jq .status.restored.ms');
  act<{ json?: boolean }>(io, wake, async (ctx, [user], opts) => {
    const res = await ctx.client().post<SandboxDetail>(`${userPath(user)}/wake`);
    ctx.out(opts.json ? res.text : wakeLine(user, res.body));
  });

  const checkpoints = program
    .command('checkpoints')
    .description("list a user's named checkpoints: when each was saved and its size")
    .argument('<user>', 'user id')
    .option('--json', "print the API's JSON");
  examples(checkpoints, 'sandboxctl checkpoints alice');
  act<{ json?: boolean }>(io, checkpoints, async (ctx, [user], opts) => {
    const res = await ctx.client().get<CheckpointList>(`${userPath(user)}/checkpoints`);
    ctx.out(opts.json ? res.text : checkpointsView(user, res.body, io.now()));
  });

  const storage = program
    .command('storage')
    .description('archive storage: bytes per user (hibernation + checkpoints), largest first, and the total')
    .option('--json', "print the API's JSON");
  examples(storage, 'sandboxctl storage', 'sandboxctl storage --json | jq .totalBytes');
  act<{ json?: boolean }>(io, storage, async (ctx, _args, opts) => {
    const res = await ctx.client().get<StorageReport>('/api/admin/storage');
    ctx.out(opts.json ? res.text : storageView(res.body));
  });
}
