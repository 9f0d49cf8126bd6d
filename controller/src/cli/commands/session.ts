import { Command, Option } from 'commander';
import { ApiClient } from '../api-client';
import type { Health, WhoAmI } from '@pgsbx/contract';
import { CliError, ExitCode } from '../errors';
import type { CliIo } from '../io';
import { cliVersion } from '../version';
import { healthLine } from '../views';
import { act, examples } from './define';

const ROLES = ['user', 'sponsor', 'pro', 'admin'];

/** login, logout, version: who sandboxctl is and where it talks to. */
export function registerSessionCommands(program: Command, io: CliIo): void {
  const login = program
    .command('login')
    .description('get a token by dev login, or check and store the one given with --token, for later commands')
    .option('--user <id>', 'user id to log in as (dev login)', io.env.USER || 'ops')
    .addOption(new Option('--role <role>', 'role to log in with (dev login)').choices(ROLES).default('admin'));
  examples(
    login,
    'sandboxctl login                                   # dev login as $USER, role admin',
    'sandboxctl --url https://sandbox.example.com login --token "$ADMIN_JWT"',
  );
  login.addHelpText(
    'after',
    '\nThe URL and token are saved in $SANDBOXCTL_CONFIG or ~/.config/sandboxctl/config.json (mode 0600).\n' +
      'The saved token is only sent to the URL it was saved for.',
  );
  act<{ user: string; role: string }>(io, login, async (ctx, _args, opts) => {
    const { url } = ctx.target();
    const timeout = ctx.timeoutMs();
    let token = ctx.globals.token;
    if (token) {
      if (login.getOptionValueSource('user') === 'cli' || login.getOptionValueSource('role') === 'cli') {
        ctx.warn('--user and --role are ignored with --token: the token says who you are');
      }
    } else {
      const anon = new ApiClient(url, undefined, io.fetch, timeout);
      const cfg = await anon.get<{ devLogin?: boolean }>('/api/auth/config');
      if (cfg.body.devLogin !== true) {
        throw new CliError(
          `dev login is off at ${url}: get an admin token from your identity provider and run "sandboxctl login --token <JWT>"`,
          ExitCode.unauthorized,
        );
      }
      token = (await anon.post<{ token: string }>('/api/auth/dev-login', { userId: opts.user, role: opts.role })).body.token;
    }
    const me = (await new ApiClient(url, token, io.fetch, timeout).get<WhoAmI>('/api/auth/me')).body;
    const store = ctx.store;
    store.write({ url, token, user: me.userId, role: me.role, savedAt: new Date(io.now()).toISOString() });
    ctx.out(`Logged in to ${url} as ${me.userId} (role ${me.role}); token saved in ${store.path}.`);
    if (me.role !== 'admin') ctx.warn(`role ${me.role} cannot use the admin commands; log in with --role admin`);
  });

  const logout = program.command('logout').description('forget the saved token (the URL stays)');
  examples(logout, 'sandboxctl logout');
  act(io, logout, async (ctx) => {
    const store = ctx.store;
    const { config } = store.read();
    if (!config.token) return ctx.out(`No token saved in ${store.path}.`);
    store.write({ url: config.url });
    ctx.out(`Logged out: token removed from ${store.path}.`);
  });

  const version = program
    .command('version')
    .description("print the CLI version and the controller's health (GET /healthz)")
    .option('--json', 'print {"sandboxctl", "url", "healthz"} with /healthz\'s JSON as the controller sent it');
  examples(version, 'sandboxctl version', 'sandboxctl --url http://10.0.0.5:3000 version --json');
  act<{ json?: boolean }>(io, version, async (ctx, _args, opts) => {
    const v = cliVersion();
    const target = ctx.target();
    if (!opts.json) ctx.out(`sandboxctl ${v} (node ${process.version})`);
    const res = await ctx.client({ url: target.url, tokenSource: 'none' }).get<Health>('/healthz', { accept: [503] });
    if (opts.json) ctx.out(`{"sandboxctl":${JSON.stringify(v)},"url":${JSON.stringify(target.url)},"healthz":${res.text}}`);
    else ctx.out(`controller ${target.url}: ${healthLine(res.body)}`);
    if (res.status === 503) {
      throw new CliError(`the controller at ${target.url} reports it is unavailable`, ExitCode.unavailable);
    }
  });
}
