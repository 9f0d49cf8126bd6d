import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The controller package's version: src/cli and dist/cli both sit two levels below package.json. */
export function cliVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
