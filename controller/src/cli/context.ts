import { parseDuration } from '../common/duration';
import { ApiClient, ApiResponse, parseBaseUrl, sameController } from './api-client';
import { ConfigStore, StoredConfig, configPath } from './config-store';
import { usageError } from './errors';
import type { CliIo } from './io';

export const DEFAULT_URL = 'http://localhost:3000';

export interface GlobalOptions {
  url?: string;
  token?: string;
  timeout?: string;
}

export type TokenSource = 'flag' | 'env' | 'config' | 'none';

export interface Target {
  url: string;
  token?: string;
  tokenSource: TokenSource;
}

/**
 * Where to talk to and with which token. URL: --url > SANDBOXCTL_URL > config > default.
 * Token: --token > SANDBOXCTL_TOKEN > config, and the stored token only for the controller it
 * was stored for, so pointing --url elsewhere never sends it to another host.
 */
export function resolveTarget(flags: GlobalOptions, env: Record<string, string | undefined>, stored: StoredConfig): Target {
  const url = flags.url || env.SANDBOXCTL_URL || stored.url || DEFAULT_URL;
  parseBaseUrl(url);
  if (flags.token) return { url, token: flags.token, tokenSource: 'flag' };
  if (env.SANDBOXCTL_TOKEN) return { url, token: env.SANDBOXCTL_TOKEN, tokenSource: 'env' };
  if (stored.token && sameController(stored.url ?? DEFAULT_URL, url)) return { url, token: stored.token, tokenSource: 'config' };
  return { url, tokenSource: 'none' };
}

/** One command's view of the world: its io, its global options, the config file and the API. */
export class CliContext {
  private storedConfig?: StoredConfig;

  constructor(
    readonly io: CliIo,
    readonly globals: GlobalOptions,
  ) {}

  get store(): ConfigStore {
    return new ConfigStore(configPath(this.io.env, this.io.home));
  }

  stored(): StoredConfig {
    if (!this.storedConfig) {
      const { config, warning } = this.store.read();
      if (warning) this.warn(warning);
      this.storedConfig = config;
    }
    return this.storedConfig;
  }

  target(): Target {
    return resolveTarget(this.globals, this.io.env, this.stored());
  }

  timeoutMs(): number {
    if (!this.globals.timeout) return 60_000;
    return parsePositiveDuration(this.globals.timeout, '--timeout');
  }

  client(target: Target = this.target()): ApiClient {
    return new ApiClient(target.url, target.token, this.io.fetch, this.timeoutMs());
  }

  out(text: string): void {
    this.io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }

  warn(text: string): void {
    this.io.stderr.write(`sandboxctl: warning: ${text}\n`);
  }

  /** `--json`: the controller's body exactly as it came. */
  json(res: ApiResponse<unknown>): void {
    this.out(res.text);
  }
}

export function parsePositiveDuration(text: string, what: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (e) {
    throw usageError(`${what}: ${(e as Error).message}`);
  }
  if (ms <= 0) throw usageError(`${what} must be more than 0 (examples: 500ms, 2s, 1m)`);
  return ms;
}

export function parseDurationArg(text: string, what: string): number {
  try {
    return parseDuration(text);
  } catch (e) {
    throw usageError(`${what}: ${(e as Error).message}`);
  }
}

export function parseIntArg(text: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    throw usageError(`${what} must be a whole number from ${min} to ${max} (got "${text}")`);
  }
  return Number(text);
}
