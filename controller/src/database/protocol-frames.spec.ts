import { MAX_FRAME_BYTES, MessageTooLargeError, ProtocolFrames, ProtocolViolationError } from './protocol-frames';

const msg = (type: string, body: Buffer | string): Buffer => {
  const b = typeof body === 'string' ? Buffer.from(body, 'binary') : body;
  const header = Buffer.alloc(5);
  header.write(type, 0, 'binary');
  header.writeInt32BE(b.length + 4, 1);
  return Buffer.concat([header, b]);
};

/** What a real Postgres sends for `select 1` after authentication, in one buffer. */
const realSession = Buffer.concat([
  msg('R', '\0\0\0\0'),
  msg('S', 'server_version\x0017.2\0'),
  msg('K', '\0\0\0\x01\0\0\0\x02'),
  msg('Z', 'I'),
  msg('1', ''),
  msg('2', ''),
  msg('T', Buffer.concat([Buffer.from([0, 1]), Buffer.from('x\0'), Buffer.alloc(18)])),
  msg('D', Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1]), Buffer.from('1')])),
  msg('N', 'SNOTICE\0Mhello\0\0'),
  msg('C', 'SELECT 1\0'),
  msg('E', 'SERROR\0C42601\0Msyntax error\0\0'),
  msg('R', Buffer.concat([Buffer.from([0, 0, 0, 10]), Buffer.from('SCRAM-SHA-256\0\0')])),
  msg('Z', 'I'),
]);

describe(ProtocolFrames.name, () => {
  it('lets a real server session through, whole or split at every byte', () => {
    expect(() => new ProtocolFrames().check(realSession)).not.toThrow();
    for (const step of [1, 2, 3, 7, 64]) {
      const sut = new ProtocolFrames();
      for (let i = 0; i < realSession.length; i += step) sut.check(realSession.subarray(i, i + step));
    }
  });

  it.each([
    ['an error without its terminating NUL (pg-protocol would loop forever)', msg('E', 'M')],
    ['an error field without its NUL', msg('E', 'Mno end')],
    ['a notice that never ends its fields', msg('N', 'SNOTICE\0')],
    ['a command tag without NUL', msg('C', 'SELECT 1')],
    ['a parameter status with one string', msg('S', 'a\0b')],
    ['a notification cut short', msg('A', '\0\0')],
    ['a row description longer than its message', msg('T', Buffer.from([0, 3, 120, 0]))],
    ['a SASL mechanism list without its end', msg('R', Buffer.concat([Buffer.from([0, 0, 0, 10]), Buffer.from('SCRAM')]))],
    ['an unknown message type', msg('Q', '')],
    ['a negative length', Buffer.from([0x44, 0xff, 0xff, 0xff, 0xf0])],
    ['a length below 4', Buffer.from([0x44, 0, 0, 0, 2])],
  ])('refuses %s', (_what, bytes) => {
    expect(() => new ProtocolFrames().check(bytes)).toThrow(ProtocolViolationError);
  });

  it('refuses a message longer than the limit from its header, before any of it arrives', () => {
    const header = Buffer.from([0x44, 0, 0, 0, 0]);
    header.writeInt32BE(MAX_FRAME_BYTES + 5, 1);
    expect(() => new ProtocolFrames().check(header)).toThrow(MessageTooLargeError);
    const huge = Buffer.from([0x45, 0x7f, 0xff, 0xff, 0xf0]);
    expect(() => new ProtocolFrames().check(huge)).toThrow(MessageTooLargeError);
  });

  it('with an authentication set (the TLS path: SCRAM), refuses any other request before pg can answer it', () => {
    const scramOnly = () => new ProtocolFrames(undefined, new Set([0, 10, 11, 12]));
    expect(() => scramOnly().check(realSession)).not.toThrow();
    for (const type of [3, 5, 7, 9]) {
      const ask = msg('R', Buffer.concat([Buffer.from([0, 0, 0, type]), Buffer.alloc(type === 5 ? 4 : 0)]));
      expect(() => scramOnly().check(ask)).toThrow(`authentication type ${type}, not SCRAM`);
      expect(() => new ProtocolFrames().check(ask)).not.toThrow(); // the socket path refuses in pg's password callback
    }
  });

  it('checks the message after a valid one in the same chunk', () => {
    expect(() => new ProtocolFrames().check(Buffer.concat([msg('Z', 'I'), msg('E', 'M')]))).toThrow(ProtocolViolationError);
  });
});
