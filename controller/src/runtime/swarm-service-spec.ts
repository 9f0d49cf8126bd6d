import type Docker from 'dockerode';
import type { SandboxContainerSpec } from './container-runtime';
import { SANDBOX_PG_UID as PG_UID, SOCKET_MOUNT } from './sandbox-socket';

/** On a claimed pool service: the user name it serves (set by a compare-and-swap on its version). */
export const OWNER_LABEL = 'pgsbx.owner';
/** On a name-lock service (no tasks): the id of the sandbox service it names. */
export const CLAIMS_LABEL = 'pgsbx.claims';
/** The image id the manager had for the image ref when the service was made (the ref can move). */
export const IMAGE_ID_LABEL = 'pgsbx.image-id';
/** The name on the sandbox's certificate (not a secret: its passwords are derived from it with the controller's key). */
export const TLS_NAME_LABEL = 'pgsbx.tls-name';
/** The port Postgres listens on across the overlay. */
export const SANDBOX_PG_PORT = 5432;
/** Where the image's entrypoint looks for its credentials (images/postgres/entrypoint.sh). */
const CREDENTIALS_FILE = 'pgsbx-sandbox';

/**
 * An idle sandbox needs ≈ 20 MB (README "Performance"); the scheduler places by reservations,
 * so reserving this much (not the limit) packs idle sandboxes densely while still refusing a node
 * that is plainly full. CPU: a sliver, for the same reason.
 */
const RESERVED_MEMORY = 64 * 2 ** 20;
const RESERVED_CPU_SHARE = 0.05;

export interface SwarmPlacement {
  network: string;
  constraints: string[];
  imageId: string;
}

/** The sandbox's own TLS key, certificate and SCRAM verifiers (a swarm secret), and who may connect. */
export interface SwarmCredentials {
  secretId: string;
  secretName: string;
  servername: string;
  /** The overlay's subnet: the only addresses pg_hba admits (hostssl + scram-sha-256). */
  peerSubnet: string;
}

/**
 * A sandbox as a swarm service: one replica that is never restarted (the controller decides),
 * the hardening the docker runtime gives its containers as far as a service spec can carry it
 * (docs/SWARM.md lists what it cannot), limits and reservations, spread over nodes, dnsrr.
 */
export function sandboxServiceSpec(
  spec: SandboxContainerSpec,
  where: SwarmPlacement,
  credentials: SwarmCredentials,
): Docker.CreateServiceOptions {
  const tmpfsVolume = (target: string, size: number): Docker.MountSettings => ({
    Type: 'volume',
    Source: '',
    Target: target,
    VolumeOptions: {
      NoCopy: true,
      Labels: { 'pgsbx.prefix': spec.labels['pgsbx.prefix'] ?? '' },
      // A volume, not a tmpfs mount: only the local driver's options can make it owned by postgres
      // (TmpfsOptions gets uid/gid with API 1.46).
      DriverConfig: {
        Name: 'local',
        Options: { type: 'tmpfs', device: 'tmpfs', o: `size=${size},uid=${PG_UID},gid=${PG_UID},mode=0700,nosuid,nodev` },
      },
    },
  });
  const nanoCpus = Math.round(spec.cpus * 1e9);
  return {
    Name: spec.name,
    Labels: { ...spec.labels, [IMAGE_ID_LABEL]: where.imageId, [TLS_NAME_LABEL]: credentials.servername },
    TaskTemplate: {
      ContainerSpec: {
        Image: spec.image,
        Labels: spec.labels,
        // With these the image listens on the overlay, TLS only, SCRAM only, from the subnet only.
        Env: [`PGSBX_PEER_SUBNET=${credentials.peerSubnet}`],
        Secrets: [
          {
            SecretID: credentials.secretId,
            SecretName: credentials.secretName,
            // Postgres takes a key file owned by its own uid with no group/other access.
            File: { Name: CREDENTIALS_FILE, UID: String(PG_UID), GID: String(PG_UID), Mode: 0o400 },
          },
        ],
        User: `${PG_UID}:${PG_UID}`,
        ReadOnly: true,
        CapabilityDrop: ['ALL'],
        // Honoured from API 1.46 (Docker 27); older engines ignore it, so the nodes' engines run
        // with --no-new-privileges (scripts/cluster/up.sh, docs/SWARM.md).
        Privileges: { NoNewPrivileges: true } as Docker.Privileges,
        HealthCheck: { Test: ['NONE'] },
        Mounts: [
          tmpfsVolume('/var/lib/postgresql/data', spec.dataBytes),
          tmpfsVolume(SOCKET_MOUNT, 1024 * 1024),
          { Type: 'tmpfs', Source: '', Target: '/tmp', TmpfsOptions: { SizeBytes: 16 * 2 ** 20, Mode: 0o1777 } },
        ],
      },
      Resources: {
        Limits: { NanoCPUs: nanoCpus, MemoryBytes: spec.memoryBytes, Pids: spec.pidsLimit },
        Reservations: {
          NanoCPUs: Math.round(nanoCpus * RESERVED_CPU_SHARE),
          MemoryBytes: Math.min(spec.memoryBytes, RESERVED_MEMORY),
        },
      },
      RestartPolicy: { Condition: 'none' },
      Placement: { Constraints: where.constraints, Preferences: [{ Spread: { SpreadDescriptor: 'node.id' } }] },
      Networks: [{ Target: where.network }],
      LogDriver: { Name: 'json-file', Options: { 'max-size': '1m', 'max-file': '1' } },
    },
    Mode: { Replicated: { Replicas: 1 } },
    // No IPVS on these machines: a service VIP would not route. dnsrr gives the task's own address.
    EndpointSpec: { Mode: 'dnsrr' },
  };
}

/**
 * The lock on a user's name when their sandbox came from the pool: a service of that name with
 * no tasks, pointing at the pool service. Swarm refuses a second service of a name, atomically,
 * cluster-wide — the same rule as a cold-started service named after the user.
 */
export function nameLockSpec(name: string, pool: Docker.Service): Docker.CreateServiceOptions {
  const labels = { ...(pool.Spec?.Labels ?? {}) };
  delete labels[OWNER_LABEL];
  return {
    Name: name,
    Labels: { ...labels, [CLAIMS_LABEL]: pool.ID },
    TaskTemplate: {
      ContainerSpec: {
        Image:
          pool.Spec?.TaskTemplate && 'ContainerSpec' in pool.Spec.TaskTemplate ? pool.Spec.TaskTemplate.ContainerSpec?.Image : undefined,
      },
    },
    Mode: { Replicated: { Replicas: 0 } },
  };
}
