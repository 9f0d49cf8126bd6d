/**
 * Exit codes of sandboxctl, one per kind of failure, so scripts can tell them apart.
 * Documented in `sandboxctl --help` and in the README.
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  unreachable: 3,
  unauthorized: 4,
  notFound: 5,
  conflict: 6,
  unavailable: 7,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_HELP = `Exit codes:
  0  success
  1  any other error (e.g. the controller answered 400 or 500)
  2  usage error, or a destructive command was not confirmed (no TTY and no --yes)
  3  the controller cannot be reached (connection refused, DNS, timeout)
  4  unauthorized or forbidden (401/403): log in again or use an admin token
  5  not found (404), e.g. the user has no sandbox
  6  conflict (409)
  7  service unavailable (503): Docker unreachable, no capacity, or the fleet is draining`;

/** A failure that ends the command with one line on stderr and a specific exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return ExitCode.unauthorized;
  if (status === 404) return ExitCode.notFound;
  if (status === 409) return ExitCode.conflict;
  if (status === 503) return ExitCode.unavailable;
  return ExitCode.failure;
}

export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.usage);
}
