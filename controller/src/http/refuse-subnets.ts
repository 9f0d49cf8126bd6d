import { BlockList, isIPv4, type Server, type Socket } from 'node:net';

/**
 * Parses API_REFUSE_SUBNETS (`10.232.0.0/16,fd00::/64`): networks whose hosts must never reach
 * the API, such as the sandboxes' overlay on a swarm, where the controller has an address
 * because it connects to the sandboxes from it (docs/SWARM.md "What a sandbox can reach").
 */
export function parseSubnets(value: string): BlockList {
  const list = new BlockList();
  for (const cidr of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([0-9a-fA-F.:]+)\/(\d{1,3})$/.exec(cidr);
    const family = m && isIPv4(m[1]) ? 'ipv4' : 'ipv6';
    if (!m || Number(m[2]) > (family === 'ipv4' ? 32 : 128)) throw new Error(`"${cidr}" is not a subnet (a.b.c.d/n)`);
    list.addSubnet(m[1], Number(m[2]), family);
  }
  return list;
}

/** Closes, before a byte is read, every connection to `server` that comes from a refused subnet. */
export function refuseSubnets(server: Server, refused: BlockList): void {
  server.on('connection', (socket: Socket) => {
    const addr = (socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.)/, '');
    if (addr && refused.check(addr, isIPv4(addr) ? 'ipv4' : 'ipv6')) socket.destroy();
  });
}
