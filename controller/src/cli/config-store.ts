import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError, ExitCode } from './errors';

/** What `sandboxctl login` remembers. */
export interface StoredConfig {
  url?: string;
  token?: string;
  user?: string;
  role?: string;
  savedAt?: string;
}

/** `$SANDBOXCTL_CONFIG`, else `~/.config/sandboxctl/config.json`. */
export function configPath(env: Record<string, string | undefined>, home: string): string {
  return env.SANDBOXCTL_CONFIG || join(home, '.config', 'sandboxctl', 'config.json');
}

/** The config file holds a bearer token: it is written 0600 in a 0700 directory, atomically. */
export class ConfigStore {
  constructor(readonly path: string) {}

  /** The stored config ({} when there is none) and a warning when others can read the file. */
  read(): { config: StoredConfig; warning?: string } {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { config: {} };
      throw new CliError(`cannot read ${this.path}: ${(e as Error).message}`, ExitCode.failure);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CliError(`${this.path} is not valid JSON: fix it or delete it and run "sandboxctl login"`, ExitCode.failure);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new CliError(`${this.path} must hold a JSON object: fix it or delete it and run "sandboxctl login"`, ExitCode.failure);
    }
    const config: StoredConfig = {};
    for (const key of ['url', 'token', 'user', 'role', 'savedAt'] as const) {
      const v = (parsed as Record<string, unknown>)[key];
      if (typeof v === 'string') config[key] = v;
    }
    const mode = statSync(this.path).mode & 0o777;
    const warning =
      config.token && mode & 0o077
        ? `${this.path} holds a token and is readable by other users (mode ${mode.toString(8)}): run chmod 600 ${this.path}`
        : undefined;
    return { config, warning };
  }

  write(config: StoredConfig): void {
    const dir = dirname(this.path);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = join(dir, `.config.json.${process.pid}.${Date.now()}.tmp`);
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(config, null, 2) + '\n');
      } finally {
        closeSync(fd);
      }
      try {
        chmodSync(tmp, 0o600); // the umask may have taken bits away; never more than 0600
        renameSync(tmp, this.path);
      } catch (e) {
        unlinkSync(tmp);
        throw e;
      }
    } catch (e) {
      throw new CliError(`cannot write ${this.path}: ${(e as Error).message}`, ExitCode.failure);
    }
  }
}
