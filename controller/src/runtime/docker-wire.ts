import type Docker from 'dockerode';

/** Docker's label filter syntax: `key=value` per label. */
export function labelFilters(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`);
}

/** Docker multiplexes stdout/stderr without a TTY: 8-byte headers before each frame. */
export function demuxLogs(buf: Buffer): string {
  const out: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const len = buf.readUInt32BE(i + 4);
    out.push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return Buffer.concat(out).toString('utf8');
}

/** dockerode's options for SANDBOX_DOCKER_HOST (`unix:///path` or `tcp://host:port`, checked by the config). */
export function engineOptions(dockerHost: string): Docker.DockerOptions {
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  const url = new URL(dockerHost);
  return { host: url.hostname, port: Number(url.port), protocol: 'http' };
}
