import { closeSync, constants, fstatSync, openSync, statfsSync } from 'node:fs';
import { Socket } from 'node:net';
import { SANDBOX_PG_UID, SOCKET_NAME } from '../runtime/sandbox-socket';
import { MessageTooLargeError, ProtocolFrames, ProtocolViolationError } from './protocol-frames';
import { SocketTamperedError } from './sandbox-connector';

/** Linux O_PATH: a handle on the inode itself, never opening it (a FIFO cannot block us). */
const O_PATH = 0o10000000;
const TMPFS_MAGIC = 0x01021994;

/**
 * The sandbox's socket, checked and held by file descriptor: whatever the sandbox renames or
 * links in its directory afterwards, a connection through `path` reaches this inode and no other.
 *
 * The container owns that directory (its postgres uid can write there), so a path lookup would
 * follow a symlink it planted — to another tenant's socket, or anywhere on the host. Instead:
 * the directory and the socket are opened with O_PATH|O_NOFOLLOW (O_PATH|O_NOFOLLOW on a symlink
 * gives the link itself, which fstat then refuses), the socket relative to the directory's fd;
 * both must belong to the sandbox's uid, on the one tmpfs Docker mounted there.
 */
export class PinnedSocket {
  private fd: number | undefined;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /**
   * Throws SocketTamperedError when the socket was replaced; a plain error (ENOENT) while it is not
   * there yet or when the directory is not mounted.
   */
  static open(dir: string): PinnedSocket {
    const dirFd = openSync(dir, O_PATH | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    try {
      // The sandbox cannot give its mount root away (no CAP_CHOWN), so a mismatch here means the
      // tmpfs is not mounted: the container stopped, or this is not a sandbox's socket directory.
      const d = fstatSync(dirFd);
      if (!d.isDirectory() || d.uid !== SANDBOX_PG_UID || statfsSync(`/proc/self/fd/${dirFd}`).type !== TMPFS_MAGIC) {
        throw new Error(`${dir} is not a mounted sandbox socket directory (has the container stopped?)`);
      }
      // /proc/self/fd/N is the directory already opened; only the last component is looked up.
      const fd = openSync(`/proc/self/fd/${dirFd}/${SOCKET_NAME}`, O_PATH | constants.O_NOFOLLOW);
      try {
        const s = fstatSync(fd);
        if (!s.isSocket()) throw new SocketTamperedError(`${SOCKET_NAME} is ${kindOf(s)}, not a socket`);
        if (s.uid !== SANDBOX_PG_UID || s.dev !== d.dev) throw new SocketTamperedError(`${SOCKET_NAME} is not the sandbox's own`);
        return new PinnedSocket(fd);
      } catch (e) {
        closeSync(fd);
        throw e;
      }
    } finally {
      closeSync(dirFd);
    }
  }

  /** A path that names this socket's inode for as long as the handle is open (and is short: no 107-byte limit). */
  get path(): string {
    if (this.fd === undefined) throw new Error('socket handle already closed');
    return `/proc/self/fd/${this.fd}`;
  }

  /** A net.Socket that connects here whatever path its user (pg) asks for. */
  stream(): Socket {
    return new ConnectsOnlyTo(this.path);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * pg computes a path from `host` and calls connect(path); this socket goes to the pinned one
 * instead. What arrives is checked (ProtocolFrames) before pg's parser sees it, and anything
 * that parser throws ends this one connection rather than the process.
 */
class ConnectsOnlyTo extends Socket {
  private readonly frames = new ProtocolFrames();

  constructor(private readonly pinnedPath: string) {
    super();
  }

  override connect(..._ignored: unknown[]): this {
    return super.connect({ path: this.pinnedPath });
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'data') return super.emit(event, ...args);
    try {
      this.frames.check(args[0] as Buffer);
      return super.emit(event, ...args);
    } catch (e) {
      const known = e instanceof ProtocolViolationError || e instanceof MessageTooLargeError;
      this.destroy(known ? e : new ProtocolViolationError(`unparseable message: ${(e as Error).message}`));
      return false;
    }
  }
}

function kindOf(s: ReturnType<typeof fstatSync>): string {
  if (s.isSymbolicLink()) return 'a symbolic link';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isDirectory()) return 'a directory';
  if (s.isFile()) return 'a regular file';
  return 'a device';
}
