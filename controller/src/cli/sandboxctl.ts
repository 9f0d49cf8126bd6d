#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { registerFleetCommands } from './commands/fleet';
import { registerSandboxCommands } from './commands/sandboxes';
import { registerSavedCommands } from './commands/saved';
import { registerSessionCommands } from './commands/session';
import { registerTopCommand } from './commands/top';
import { DEFAULT_URL } from './context';
import { CliError, EXIT_CODE_HELP, ExitCode } from './errors';
import { CliIo, processIo } from './io';
import { cliVersion } from './version';

/** sandboxctl: the operators' CLI. It speaks only HTTP to the controller's admin API. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('sandboxctl')
    .description(
      "Operate a postgres-sandbox controller: list, inspect, reset, remove, reap, hibernate and wake users' sandboxes, " +
        'see checkpoints and archive storage, size the warm pool, drain.',
    )
    .version(cliVersion(), '-V, --version', 'print the CLI version')
    .addOption(new Option('--url <url>', `controller URL (env SANDBOXCTL_URL, then the saved login, then ${DEFAULT_URL})`))
    .addOption(new Option('--token <jwt>', 'admin bearer token (env SANDBOXCTL_TOKEN, then the saved login)'))
    .addOption(new Option('--timeout <duration>', 'give up on a request after this long (default 60s)'))
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`sandboxctl: ${s.replace(/^error: /, '')}`),
    })
    .showHelpAfterError('(add --help for usage and examples)');
  registerSandboxCommands(program, io);
  registerSavedCommands(program, io);
  registerFleetCommands(program, io);
  registerTopCommand(program, io);
  registerSessionCommands(program, io);
  program.addHelpText(
    'after',
    `
Examples:
  $ sandboxctl login                      # dev login: saves URL and an admin token
  $ sandboxctl ls --sort idle
  $ sandboxctl reap --idle 30m --dry-run
  $ sandboxctl ls --all                   # hibernated users too
  $ SANDBOXCTL_URL=https://sandbox.example.com SANDBOXCTL_TOKEN=$JWT sandboxctl stats --json

Config file: $SANDBOXCTL_CONFIG, or ~/.config/sandboxctl/config.json (written by "login", mode 0600).

${EXIT_CODE_HELP}`,
  );
  return program;
}

/** Runs one command line and returns its exit code; never throws. */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.ok;
      // Usage errors: commander has already printed the message (and the help hint).
      return ExitCode.usage;
    }
    if (e instanceof CliError) {
      io.stderr.write(`sandboxctl: ${e.message}\n`);
      return e.exitCode;
    }
    io.stderr.write(`sandboxctl: ${(e as Error)?.message ?? String(e)}\n`);
    return ExitCode.failure;
  }
}

if (require.main === module) {
  // `sandboxctl ls | head -1`: a closed pipe is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
