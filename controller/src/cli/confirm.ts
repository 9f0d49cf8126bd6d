import { CliError, ExitCode } from './errors';
import type { CliIo } from './io';

/**
 * Destructive commands need --yes, or a "y" typed at a terminal. Without a terminal and without
 * --yes they refuse before sending anything: a script must say what it means.
 */
export function requireConfirmable(io: CliIo, yes: boolean | undefined, what: string): void {
  if (yes || io.stdinIsTTY) return;
  throw new CliError(`refusing to ${what} without confirmation: stdin is not a terminal; pass --yes to confirm`, ExitCode.usage);
}

export async function confirm(io: CliIo, yes: boolean | undefined, what: string, question: string): Promise<void> {
  requireConfirmable(io, yes, what);
  if (yes) return;
  const answer = (await io.prompt(`${question} [y/N] `)).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw new CliError(`not confirmed: did not ${what}`, ExitCode.usage);
}
