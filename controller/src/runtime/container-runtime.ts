import type { Readable, Writable } from 'node:stream';
import { Observable } from 'rxjs';

/** What the fleet asks for; each runtime turns it into its own hardened container. */
export interface SandboxContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  memoryBytes: number;
  dataBytes: number;
  cpus: number;
  pidsLimit: number;
}

/**
 * The controller's own Postgres (issue 11's control store). Kept apart from the fleet: its labels
 * never include `pgsbx.prefix`, so recovery, the reaper, `sandboxctl ls` and socket pruning skip it.
 */
export interface ControlDatabaseSpec {
  /** Container name; its data volume is called the same, its socket volume `<name>-socket`. */
  name: string;
  image: string;
  labels: Record<string, string>;
  /** Arguments for Postgres (`-c fsync=on`, …), after the image's entrypoint. */
  args: string[];
  env: Record<string, string>;
  memoryBytes: number;
}

/**
 * Where the controller reaches a sandbox's Postgres. `unix`: the host directory holding its Unix
 * socket (docker runtime; the container can write there: connect only through PinnedSocket; `dir`
 * is '' when it has none). `tcp`: its address on the swarm's overlay (the service name: dnsrr
 * resolves it to the task), TLS verified against the controller's CA with `servername`, and SCRAM
 * (docs/SWARM.md "The data path").
 */
export type SandboxEndpoint = { kind: 'unix'; dir: string } | { kind: 'tcp'; host: string; port: number; servername: string };

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  imageId: string;
  labels: Record<string, string>;
  running: boolean;
  endpoint: SandboxEndpoint;
  createdAt: Date;
  /** Where it runs, when the engine has more than one machine (swarm: the node's host name). */
  node?: string;
  /** Why it stopped, when it did: `oom`, `exit 1`, … */
  exitReason?: string;
  /** The engine saw the memory limit kill a process in it (Postgres may have survived that). */
  oomKilled?: boolean;
}

export interface ContainerStats {
  memoryBytes: number;
  memoryLimitBytes: number;
  cpuPercent: number;
}

/** `resync`: the stream (re)connected; events may have been missed while it was away. */
export type RuntimeEventKind = 'die' | 'oom' | 'destroy' | 'start' | 'resync';
export interface RuntimeEvent {
  kind: RuntimeEventKind;
  id: string;
  name: string;
  exitCode?: number;
  /** Why it stopped, when the runtime knows more than an exit code (a swarm node that went down). */
  reason?: string;
}

/** What `exec` feeds a command and where its output goes. */
export interface ExecOptions {
  /** The command's stdin; it sees end-of-file when this ends. Without it, stdin is closed at once. */
  stdin?: Readable;
  /** Receives the command's stdout (with backpressure). Without it, stdout is discarded. */
  stdout?: Writable;
  /** Stops the command's streams (and so, by a broken pipe, the command) when it fires. */
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  /** The command's stderr, at most 64 KiB of it. */
  stderr: string;
}

// A domain error (it carries its 503): thrown here, answered by the HTTP filter.
export { RuntimeUnavailableError } from '../domain/errors';
export class NameConflictError extends Error {}
export class ContainerNotFoundError extends Error {}

/**
 * The port to the container engine. Only its implementations know the engine's client library;
 * fleet logic talks to this and is tested with a fake.
 */
export abstract class ContainerRuntime {
  abstract ping(): Promise<void>;
  /** Image id of `ref`, or null when the image is missing. */
  abstract imageId(ref: string): Promise<string | null>;
  /** Creates and starts a sandbox container. Throws NameConflictError when the name is taken. */
  abstract start(spec: SandboxContainerSpec): Promise<ContainerInfo>;
  /**
   * Makes the pool container `poolId` the sandbox known as `name` (inspect and list find it under
   * that name from then on). Atomic: throws NameConflictError when `name` is taken (the pool
   * container stays claimable), ContainerNotFoundError when `poolId` is gone or is no longer a
   * pool container (another claim won it). Docker renames; swarm, where services cannot be
   * renamed, takes the name with a service of its own and marks the pool service with a
   * compare-and-swap on its version (docs/SWARM.md).
   */
  abstract claim(poolId: string, name: string): Promise<void>;
  /**
   * Frees the name the container holds at once, so a new sandbox can take it; the container
   * itself may linger until remove(). No error when it is gone.
   */
  abstract release(id: string): Promise<void>;
  abstract remove(id: string): Promise<void>;
  abstract inspect(idOrName: string): Promise<ContainerInfo | null>;
  /** Every container (running or not) carrying all of these labels. */
  abstract list(labels: Record<string, string>): Promise<ContainerInfo[]>;
  abstract stats(id: string): Promise<ContainerStats | null>;
  abstract logs(id: string, tail: number): Promise<string>;
  /**
   * Removes what removed sandboxes left behind, carrying these labels and made before
   * `settledBefore` (so nothing a start in progress is about to use): socket volumes on Docker
   * (a container removed without its volumes), credentials on a swarm (secrets no service names,
   * left by a controller that died between making the secret and the service). Returns how many.
   */
  abstract pruneLeftovers(labels: Record<string, string>, settledBefore: Date): Promise<number>;
  /**
   * Runs a command of the image inside a running container as its own user (uid 999), streaming
   * stdin in and stdout out through the controller: how archives travel (docs/HIBERNATION.md),
   * so no runtime needs a path on the sandbox's host. Resolves when the command has ended.
   */
  abstract exec(id: string, argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  /**
   * Makes the control database's container run: creates it when missing (its named data volume
   * outlives the container), starts it when stopped; idempotent, also when two controllers race.
   * Returns the host directory of its Unix socket. Does not wait for Postgres to answer.
   */
  abstract ensureControlDatabase(spec: ControlDatabaseSpec): Promise<{ socketDir: string }>;
  /** Engine events for containers carrying these labels; reconnects by itself. */
  abstract events(labels: Record<string, string>): Observable<RuntimeEvent>;
}
