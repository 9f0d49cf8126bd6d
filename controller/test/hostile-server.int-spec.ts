import type { ErrorResult, RowsResult, SandboxResult } from '@pgsbx/contract';
import { Harness, docker, startHarness } from './support/harness';

const err = (r: SandboxResult | undefined) => (r as ErrorResult | undefined)?.error;
const rows = (r: SandboxResult | undefined) => (r as RowsResult | undefined)?.rows;

/**
 * Whoever is superuser in a sandbox can put any program behind its socket (the attacker of issue
 * #9 did: COPY … TO PROGRAM, then perl). Every byte that program sends reaches the controller's
 * Postgres client. Whatever it sends, only that user's connection may suffer: the controller
 * stays up, answers other users, and restarts past such a sandbox.
 *
 * The program here is perl (in the image, as Debian's postgresql-common needs it), started as the
 * container's postgres uid. It moves the real socket aside, listens in its place, and answers
 * every connection with PAYLOAD (hex), then holds it open.
 */
const SERVER = `
use IO::Socket::UNIX;
my $payload = pack('H*', $ARGV[0]); my $repeat = $ARGV[1] // 0;
my $dir = '/var/run/postgresql';
rename("$dir/.s.PGSQL.5432", "$dir/.s.real") unless -e "$dir/.s.real";
unlink "$dir/.s.PGSQL.5432";
my $srv = IO::Socket::UNIX->new(Type => SOCK_STREAM, Local => "$dir/.s.PGSQL.5432", Listen => 8) or die $!;
open(my $ready, '>', '/tmp/hostile.ready'); print $ready $$; close $ready;
while (my $c = $srv->accept) {
  next if fork;
  $c->autoflush(1);
  print $c $payload;
  for (1..$repeat) { print $c ('x' x 1048576) or last }
  sleep 30; exit 0;
}`;

const hex = (s: string) => Buffer.from(s, 'binary').toString('hex');

/** name, first reply, MiB of filler after it */
const PAYLOADS: [string, string, number][] = [
  ['a DataRow cut short (pg-protocol throws in its data handler)', 'D\0\0\0\x06\0\x01', 0],
  ['an ErrorResponse without its NUL (pg-protocol loops forever)', 'E\0\0\0\x05M', 0],
  ['an ErrorResponse claiming 2 GiB, then 64 MiB of it', 'E\x7f\xff\xff\xf0M', 64],
  ['a request for a cleartext password', 'R\0\0\0\x08\0\0\0\x03', 0],
  ['a ParameterStatus without its NUL', 'S\0\0\0\x06ab', 0],
  ['an unknown message type', 'Q\0\0\0\x04', 0],
  ['garbage', '\xff\xfe\xfd\xfc\xfb\xfa', 0],
];

describe('A program behind a sandbox socket cannot crash, hang or bloat the controller (real Docker)', () => {
  let h: Harness;
  let second: Harness | undefined;
  let attacker: string;
  let bystander: string;
  let container: string;
  let session = 0;

  const plant = (payload: string, repeatMiB: number) => {
    docker(['exec', '-u', 'postgres', container, 'sh', '-c', `cat > /tmp/hostile.pl <<'PERL'\n${SERVER}\nPERL`]);
    docker(['exec', '-d', '-u', 'postgres', container, 'perl', '/tmp/hostile.pl', hex(payload), String(repeatMiB)]);
    for (let i = 0; i < 100; i++) {
      try {
        docker(['exec', container, 'test', '-e', '/tmp/hostile.ready']);
        return;
      } catch {
        /* not yet */
      }
    }
    throw new Error('the hostile server did not start');
  };

  /** Stops the program and puts the real socket back. */
  const restore = () => {
    docker([
      'exec',
      '-u',
      'postgres',
      container,
      'sh',
      '-c',
      'kill $(cat /tmp/hostile.ready); rm -f /tmp/hostile.ready /var/run/postgresql/.s.PGSQL.5432; mv /var/run/postgresql/.s.real /var/run/postgresql/.s.PGSQL.5432',
    ]);
  };

  beforeAll(async () => {
    h = await startHarness({ SANDBOX_WARM_POOL: '1' });
    attacker = h.token('hostile-server');
    bystander = h.token('hostile-bystander');
    const b = await h.exec(bystander, "create table kept(v text); insert into kept values ('still here')");
    expect(err(b.body[1])).toBeUndefined();
    expect(err((await h.exec(attacker, 'select 1')).body[0])).toBeUndefined();
    container = `${h.prefix}-u-hostile-server`;
  });
  afterAll(async () => {
    await second?.close();
    await h?.close();
  });

  it.each(PAYLOADS)('%s: the user gets an error, everyone else goes on', async (_name, payload, repeat) => {
    plant(payload, repeat);
    const rssBefore = process.memoryUsage().rss;
    const res = await h.exec(attacker, 'select 1', `s${++session}`);
    expect(res.status).toBe(200);
    expect(err(res.body[0])?.message).toMatch(/broke the Postgres protocol|tampered|lost|asked for a password/);
    // The controller is alive, answers the bystander, and did not buffer the flood.
    expect((await h.request('GET', '/healthz')).status).toBe(200);
    expect(rows((await h.exec(bystander, 'select v from kept')).body[0])).toEqual([{ v: 'still here' }]);
    expect((process.memoryUsage().rss - rssBefore) / 2 ** 20).toBeLessThan(48);
    // With the real socket back, the user's sandbox answers again (the first time on a new connection).
    restore();
    const again = await h.exec(attacker, 'select 2 as n', 'after');
    expect(again.body).toEqual([expect.objectContaining({ rows: [{ n: 2 }] })]);
  });

  it('a restart adopts the others and replaces the hostile sandbox', async () => {
    plant('D\0\0\0\x06\0\x01', 0);
    const prefix = h.prefix;
    await h.fleet.settle();
    await h.app.close();
    second = await startHarness({ SANDBOX_PREFIX: prefix, SANDBOX_WARM_POOL: '1' });
    expect(rows((await second.exec(second.token('hostile-bystander'), 'select v from kept')).body[0])).toEqual([{ v: 'still here' }]);
    const fresh = await second.exec(second.token('hostile-server'), 'select 3 as n');
    expect(rows(fresh.body.at(-1))).toEqual([{ n: 3 }]);
    expect(fresh.headers.get('x-sandbox-replaced')).toBeTruthy();
  });
});
