import { createHash, randomBytes } from 'node:crypto';

const SAFE_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
/**
 * A swarm service's name is a DNS label: letters, digits and '-', at most 63 characters. Lower
 * case only: swarm's names (and DNS) ignore case (`service inspect pgsbx-u-alice` finds
 * `pgsbx-u-Alice`), so `Alice` and `alice` would be one name — one lock for two users. Other ids
 * are hashed.
 */
const SWARM_SAFE_ID = /^[a-z0-9][a-z0-9-]*$/;
const SWARM_MAX_NAME = 63;

/**
 * A user's container name. Docker refuses a second container of the same name, so the name is
 * the ownership lock: `<prefix>-u-<id>` when the id is name-safe, `<prefix>-x-<sha256>` otherwise
 * (the two forms cannot collide). On a swarm the name is a service's, so name-safe is stricter
 * (`John.Doe` or a 60-character id answered 500 there); docker mode keeps its names, by which
 * running containers are adopted.
 */
export function userContainerName(prefix: string, userId: string, runtime: 'docker' | 'swarm' = 'docker'): string {
  if (runtime === 'docker') {
    if (SAFE_ID.test(userId)) return `${prefix}-u-${userId}`;
    return `${prefix}-x-${createHash('sha256').update(userId).digest('hex').slice(0, 40)}`;
  }
  const plain = `${prefix}-u-${userId}`;
  if (SWARM_SAFE_ID.test(userId) && plain.length <= SWARM_MAX_NAME) return plain;
  // SANDBOX_PREFIX has at most 31 characters: at least 29 hex digits (116 bits) remain.
  const hash = createHash('sha256').update(userId).digest('hex');
  return `${prefix}-x-${hash.slice(0, Math.min(40, SWARM_MAX_NAME - prefix.length - 3))}`;
}

/** The name a retired container takes so the user's name is free at once (Docker, where rename exists). */
export function goneContainerName(prefix: string): string {
  return `${prefix}-gone-${randomBytes(6).toString('hex')}`;
}

export type ContainerKind = 'user' | 'pool' | 'gone' | 'unknown';

export function containerKind(prefix: string, name: string): { kind: ContainerKind; userId?: string } {
  if (name.startsWith(`${prefix}-u-`)) return { kind: 'user', userId: name.slice(prefix.length + 3) };
  if (name.startsWith(`${prefix}-x-`)) return { kind: 'user' };
  if (name.startsWith(`${prefix}-pool-`)) return { kind: 'pool' };
  if (name.startsWith(`${prefix}-gone-`)) return { kind: 'gone' };
  return { kind: 'unknown' };
}
