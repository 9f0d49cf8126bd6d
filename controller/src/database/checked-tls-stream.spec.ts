import { AddressInfo, Server, createServer } from 'node:net';
import { TLSSocket } from 'node:tls';
import { CheckedTlsStream } from './checked-tls-stream';

/**
 * pg asks for TCP_NODELAY before it connects its stream. The TLS path to a swarm sandbox must still
 * get it: with Nagle on, every statement waited for the server's delayed ACK (≈ 40 ms a statement).
 * The handshake itself is tested against real sandboxes (test/sandbox-tls.int-spec.ts); here the
 * server only accepts, so the socket exists.
 */
describe('CheckedTlsStream', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((c) => c.on('error', () => undefined));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  afterEach(() => jest.restoreAllMocks());

  const open = () => {
    const s = new CheckedTlsStream({ host: '127.0.0.1', port, servername: 'sandbox.test', ca: '' });
    s.on('error', () => undefined);
    return s;
  };

  it('applies setNoDelay(true) given before connect, as pg gives it, to the socket it opens', () => {
    const calls = jest.spyOn(TLSSocket.prototype, 'setNoDelay');
    const s = open();
    s.setNoDelay(true);
    s.connect();
    expect(calls).toHaveBeenLastCalledWith(true);
    s.destroy();
  });

  it('leaves Nagle alone when nobody asked', () => {
    const calls = jest.spyOn(TLSSocket.prototype, 'setNoDelay');
    const s = open();
    s.connect();
    expect(calls).not.toHaveBeenCalled();
    s.destroy();
  });
});
