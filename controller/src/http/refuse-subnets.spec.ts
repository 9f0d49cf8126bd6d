import { createServer, Server } from 'node:http';
import { connect } from 'node:net';
import { parseSubnets, refuseSubnets } from './refuse-subnets';

/** One HTTP/1.0 request on a raw socket: what came back before the server closed it. */
function ask(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const c = connect(port, '127.0.0.1', () => c.write('GET / HTTP/1.0\r\n\r\n'));
    c.on('data', (d: Buffer) => (got += d.toString()));
    c.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    c.on('close', () => resolve(got));
  });
}

describe(refuseSubnets.name, () => {
  async function serve(refused: string): Promise<Server> {
    const server = createServer((_req, res) => res.end('ok'));
    refuseSubnets(server, parseSubnets(refused));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return server;
  }
  const portOf = (s: Server) => (s.address() as { port: number }).port;

  it('closes connections from a refused subnet unanswered, and answers the others', async () => {
    const refused = await serve('10.0.0.0/8, 127.0.0.0/8');
    const other = await serve('10.0.0.0/8');
    try {
      expect(await ask(portOf(refused))).toBe('');
      expect(await ask(portOf(other))).toMatch(/^HTTP\/1\.1 200[\s\S]*ok$/);
    } finally {
      refused.close();
      other.close();
    }
  });

  it('refuses a value that is not a list of subnets', () => {
    expect(() => parseSubnets('10.0.0.0')).toThrow(/not a subnet/);
    expect(() => parseSubnets('10.0.0.0/33')).toThrow(/not a subnet/);
    expect(parseSubnets('').rules).toEqual([]);
  });
});
