import type Docker from 'dockerode';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ExecOptions, ExecResult } from './container-runtime';

const MAX_STDERR = 64 * 1024;

/**
 * `docker exec` over the Engine API with stdin, stdout and stderr streamed: the hijacked
 * connection carries stdin up and a multiplexed stdout/stderr down (8-byte frame headers). The
 * frames are split here rather than with dockerode's demuxStream, which ignores backpressure: a
 * 100 MB dump must not pile up in the controller's memory when the archive's disk is slower.
 */
export async function dockerExec(docker: Docker, id: string, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  let stream: (NodeJS.ReadWriteStream & { destroy(err?: Error): void }) | undefined;
  let feeder: Writable | undefined;
  const abort = () => stream?.destroy(new Error('exec aborted'));
  // A consumer that fails (a full disk, a quota) stops the command's output instead of crashing the process.
  const outputFailed = (e: Error) => stream?.destroy(e);
  opts.signal?.addEventListener('abort', abort, { once: true });
  opts.stdout?.on('error', outputFailed);
  try {
    const exec = await docker
      .getContainer(id)
      .exec({ Cmd: argv, AttachStdin: !!opts.stdin, AttachStdout: true, AttachStderr: true, Tty: false });
    stream = await exec.start({ hijack: true, stdin: !!opts.stdin });
    if (opts.signal?.aborted) abort();
    const hijacked = stream;
    let stderr = '';
    const demux = new FrameSplitter(opts.stdout, (chunk) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8').slice(0, MAX_STDERR - stderr.length);
    });
    feeder = opts.stdin
      ? new Writable({
          write: (c: Buffer, _e, cb) => (hijacked.write(c) ? cb() : hijacked.once('drain', () => cb())),
          final: (cb) => (hijacked.end(), cb()),
        })
      : undefined;
    // The command may end before reading all of stdin (an error, or pg_restore -l, which reads only
    // the start): its stdin then breaks; that is the command's business, reported by its exit code.
    const sent =
      opts.stdin && feeder
        ? pipeline(opts.stdin, feeder).then(
            () => undefined,
            (e: Error) => e,
          )
        : Promise.resolve(undefined);
    await pipeline(hijacked, demux);
    stopFeeding(opts, feeder);
    const sendError = await sent;
    const { ExitCode } = await exec.inspect();
    if (ExitCode === null && sendError instanceof Error) throw sendError;
    return { exitCode: ExitCode ?? -1, stderr };
  } finally {
    // Output ended or broke (or never began), so the command has: stop feeding it whatever state
    // the feed is in (a last write may wait for a 'drain' that never comes once Docker closed the
    // connection), and end the output so whoever reads it is never left waiting.
    stopFeeding(opts, feeder);
    opts.signal?.removeEventListener('abort', abort);
    opts.stdout?.off('error', outputFailed);
    if (opts.stdout && !opts.stdout.writableEnded && !opts.stdout.destroyed) opts.stdout.end();
  }
}

function stopFeeding(opts: ExecOptions, feeder: Writable | undefined): void {
  if (opts.stdin && !opts.stdin.readableEnded) opts.stdin.destroy();
  if (feeder && !feeder.writableFinished && !feeder.destroyed) feeder.destroy();
}

/** Splits Docker's multiplexed stream into stdout (passed on with backpressure) and stderr. */
class FrameSplitter extends Writable {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly stdout: Writable | undefined,
    private readonly onStderr: (chunk: Buffer) => void,
  ) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.drainFrames(done);
  }

  private drainFrames(done: (err?: Error | null) => void): void {
    while (this.pending.length >= 8) {
      const kind = this.pending[0];
      const len = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + len) break;
      const body = this.pending.subarray(8, 8 + len);
      this.pending = this.pending.subarray(8 + len);
      if (kind === 2) this.onStderr(body);
      else if (kind === 1 && this.stdout && !this.stdout.destroyed) {
        if (!this.stdout.write(body)) {
          this.stdout.once('drain', () => this.drainFrames(done));
          return;
        }
      }
    }
    done();
  }
}
