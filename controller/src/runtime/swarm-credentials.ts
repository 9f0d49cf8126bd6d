import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import type { SandboxAuthority } from '../tls/sandbox-authority';
import type { SwarmCredentials } from './swarm-service-spec';

/** On each sandbox's secret: the service it was made for (the prefix label is the fleet's). */
const SECRET_OF_LABEL = 'pgsbx.secret-of';

/**
 * Issues a sandbox's credentials (SandboxAuthority) and hands them to swarm as a secret of their
 * own, which only that service mounts (a tmpfs in its task, never on a node's disk). The overlay's
 * subnet comes from the manager: it is what pg_hba admits.
 */
export async function createCredentials(
  docker: Docker,
  authority: SandboxAuthority,
  network: string,
  service: string,
  labels: Record<string, string>,
): Promise<SwarmCredentials> {
  const [issued, net] = await Promise.all([
    authority.issue(),
    docker.getNetwork(network).inspect() as Promise<{ IPAM?: { Config?: { Subnet?: string }[] } }>,
  ]);
  const peerSubnet = net.IPAM?.Config?.find((c) => c.Subnet)?.Subnet;
  if (!peerSubnet) throw new Error(`the overlay ${network} has no subnet the sandbox could admit`);
  // Random, not the service's name: a secret left by a crash must not block the name's next start.
  // At most 61 characters (swarm takes 64; a service's name may have 63).
  const secretName = `${service.slice(0, 48)}-tls-${randomBytes(4).toString('hex')}`;
  const created = (await docker.createSecret({
    Name: secretName,
    Labels: { 'pgsbx.prefix': labels['pgsbx.prefix'] ?? '', [SECRET_OF_LABEL]: service },
    Data: Buffer.from(issued.bundle, 'utf8').toString('base64'),
  })) as unknown as { id?: string; ID?: string };
  return { secretId: created.id ?? created.ID ?? '', secretName, servername: issued.servername, peerSubnet };
}

/** The secrets a (removed) service mounted: swarm refuses to remove them while a service still names them. */
export function secretIdsOf(service: Docker.Service): string[] {
  const t = service.Spec?.TaskTemplate;
  const secrets = t && 'ContainerSpec' in t ? (t.ContainerSpec?.Secrets ?? []) : [];
  return secrets.map((s) => s.SecretID ?? '').filter(Boolean);
}

/** Removes secrets, ignoring the ones already gone. */
export async function removeSecrets(docker: Docker, ids: string[]): Promise<void> {
  for (const id of ids) {
    try {
      await docker.getSecret(id).remove();
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 404) throw e;
    }
  }
}

/**
 * Removes the secrets carrying these labels that no service names and that were made before
 * `settledBefore` (a start makes its secret just before its service). Returns how many.
 */
export async function removeOrphanedSecrets(docker: Docker, labels: Record<string, string>, settledBefore: Date): Promise<number> {
  const filters = { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
  const [secrets, services] = await Promise.all([docker.listSecrets({ filters }), docker.listServices({ filters })]);
  const named = new Set(services.flatMap(secretIdsOf));
  let removed = 0;
  for (const s of secrets) {
    if (named.has(s.ID) || !(new Date(s.CreatedAt ?? 0) < settledBefore)) continue;
    try {
      await removeSecrets(docker, [s.ID]);
      removed++;
    } catch {
      /* named by a service made meanwhile: not an orphan */
    }
  }
  return removed;
}
