import type { Command } from 'commander';
import { CliContext, GlobalOptions } from '../context';
import type { CliIo } from '../io';

export type Handler<O> = (ctx: CliContext, args: string[], opts: O) => Promise<void>;

/** Wires a handler to a command: it gets a context (io + global options), the arguments and its options. */
export function act<O>(io: CliIo, cmd: Command, handler: Handler<O>): Command {
  return cmd.action(async (...params: unknown[]) => {
    const self = params[params.length - 1] as Command;
    await handler(new CliContext(io, self.optsWithGlobals<GlobalOptions>()), self.processedArgs as string[], self.opts() as O);
  });
}

export function examples(cmd: Command, ...lines: string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}`);
}

export const userPath = (user: string) => `/api/admin/sandboxes/${encodeURIComponent(user)}`;
