import type { HibernatedView, StorageReport } from '@pgsbx/contract';
import { cliHarness, ok, sandbox } from '../../test/support/cli-harness';
import { ExitCode } from './errors';

// The harness's clock: 2026-01-01T12:00:00Z.
const hibernated = (user: string, over: Partial<HibernatedView> = {}): HibernatedView => ({
  user,
  savedAt: '2026-01-01T11:00:00.000Z',
  bytes: 3 * 1024 * 1024,
  lastUsedAt: '2026-01-01T10:45:00.000Z',
  lastError: null,
  ...over,
});

const damaged = 'wake failed: archive u/carol/1 failed its check: sha256 mismatch\n\u001b[2Jdetail';

describe('sandboxctl: saved databases', () => {
  it('ls --all puts hibernated users in the table with when they were saved and the size, and marks a failure', async () => {
    const sut = cliHarness({
      'GET /api/admin/sandboxes': ok([sandbox('bob')]),
      'GET /api/admin/hibernated': ok([hibernated('alice'), hibernated('carol', { lastError: damaged, bytes: 512 })]),
    });
    const r = await sut.run('ls', '--all');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'USER   CONTAINER     STATE        AGE  IDLE       MEM   CPU  SESSIONS   SAVED     SIZE',
        'alice  -             hibernated     -   75m         -     -  -         1h ago  3.0 MiB',
        'bob    bob000000000  ready         7m    2m  20.0 MiB  0.5%  main           -        -',
        'carol  -             hibernated!    -   75m         -     -  -         1h ago    512 B',
        '',
        '! carol: wake failed: archive u/carol/1 failed its check: sha256 mismatch \\x1b[2Jdetail',
        '',
      ].join('\n'),
    );
    // Plain ls is what it was: no hibernated users, no extra request.
    expect((await sut.run('ls')).stdout).not.toMatch(/alice|SAVED/);
    expect(sut.calls.filter((c) => c.path === '/api/admin/hibernated')).toHaveLength(1);
  });

  it('ls --state hibernated and --json --all show only what was asked, as JSON from both answers', async () => {
    const sut = cliHarness({
      'GET /api/admin/sandboxes': ok([sandbox('bob')]),
      'GET /api/admin/hibernated': ok([hibernated('alice')]),
    });
    const only = await sut.run('ls', '--state', 'hibernated');
    expect(only.stdout.trimEnd().split('\n').slice(1)).toEqual([expect.stringMatching(/^alice +- +hibernated /)]);
    expect(JSON.parse((await sut.run('ls', '--all', '--json')).stdout)).toEqual({
      sandboxes: [sandbox('bob')],
      hibernated: [hibernated('alice')],
    });
    const idle = await sut.run('ls', '--all', '--sort', 'idle');
    expect(idle.stdout.split('\n')[1]).toMatch(/^alice /);
  });

  it('hibernate asks first, then says what happened; a refusal exits with its own code', async () => {
    const answers: Record<string, unknown> = {
      alice: { hibernated: true },
      bob: { hibernated: false, reason: 'busy' },
      carol: { hibernated: false, reason: 'none' },
      dave: { hibernated: false, reason: 'failed' },
      erin: { hibernated: false, reason: 'already' },
    };
    const routes = Object.fromEntries(
      Object.entries(answers).map(([user, body]) => [`POST /api/admin/sandboxes/${user}/hibernate`, ok(body)]),
    );
    const refused = await cliHarness(routes).run('hibernate', 'alice');
    expect(refused.code).toBe(ExitCode.usage);
    expect(refused.stderr).toMatch(/pass --yes/);

    const tty = cliHarness(routes, { tty: true, answer: 'y' });
    expect(await tty.run('hibernate', 'alice')).toMatchObject({
      code: 0,
      stdout: 'Hibernated alice: database saved, container removed. Their next query restores it.\n',
    });
    expect(tty.prompts[0]).toMatch(/^Hibernate alice's sandbox\? The database is saved and the container removed/);

    const sut = cliHarness(routes);
    const run = (user: string) => sut.run('hibernate', user, '--yes');
    expect(await run('bob')).toMatchObject({ code: ExitCode.conflict, stderr: expect.stringMatching(/bob is running a statement/) });
    expect(await run('carol')).toMatchObject({ code: ExitCode.notFound, stderr: expect.stringMatching(/carol has no sandbox/) });
    expect(await run('dave')).toMatchObject({ code: ExitCode.failure, stderr: expect.stringMatching(/nothing was lost/) });
    expect(await run('erin')).toMatchObject({ code: 0, stdout: 'erin is already hibernated.\n' });
    expect(await sut.run('hibernate', 'bob', '--yes', '--json')).toMatchObject({
      code: ExitCode.conflict,
      stdout: '{"hibernated":false,"reason":"busy"}\n',
    });
  });

  it('wake says what was restored and how long it took, or that the sandbox was running already', async () => {
    const detail = { ...sandbox('alice'), status: { userId: 'alice', state: 'ready', sessions: [], limits: {} } };
    const restored = { savedAt: '2026-01-01T11:00:00.000Z', bytes: 2048, ms: 412.4 };
    const sut = cliHarness({
      'POST /api/admin/sandboxes/alice/wake': ok({ ...detail, status: { ...detail.status, restored } }),
      'POST /api/admin/sandboxes/bob/wake': ok({ ...detail, container: 'pgsbx-u-bob', containerId: 'bob000000000' }),
    });
    expect((await sut.run('wake', 'alice')).stdout).toBe(
      'Woke alice: restored the database saved at 2026-01-01T11:00:00.000Z (2.0 KiB) in 412ms; container alice0000000 (pgsbx-u-alice).\n',
    );
    expect((await sut.run('wake', 'bob')).stdout).toBe(
      "bob's sandbox is running (nothing to restore): container bob000000000 (pgsbx-u-bob), ready.\n",
    );
  });

  it('checkpoints lists name, time, age and size, and how many of the most allowed', async () => {
    const sut = cliHarness({
      'GET /api/admin/sandboxes/alice/checkpoints': ok({
        checkpoints: [
          { name: 'before-migration', savedAt: '2026-01-01T09:00:00.000Z', bytes: 1536 },
          { name: 'v2', savedAt: '2026-01-01T11:58:00.000Z', bytes: 5 * 1024 * 1024 },
        ],
        max: 5,
      }),
      'GET /api/admin/sandboxes/bob/checkpoints': ok({ checkpoints: [], max: 5 }),
    });
    expect((await sut.run('checkpoints', 'alice')).stdout).toBe(
      [
        'NAME              SAVED                     AGE     SIZE',
        'before-migration  2026-01-01T09:00:00.000Z   3h  1.5 KiB',
        'v2                2026-01-01T11:58:00.000Z   2m  5.0 MiB',
        'alice has 2 checkpoints (at most 5).',
        '',
      ].join('\n'),
    );
    expect((await sut.run('checkpoints', 'bob')).stdout).toBe('bob has 0 checkpoints (at most 5).\n');
  });

  it('storage lists users largest first with human sizes, share of the limit, failures and the total', async () => {
    const report: StorageReport = {
      users: [
        { user: 'alice', bytes: 1024, archives: 1, checkpoints: 0, hibernated: true, lastError: null },
        { user: 'bob', bytes: 256 * 1024 * 1024, archives: 3, checkpoints: 2, hibernated: false, lastError: 'restore failed: boom' },
      ],
      totalBytes: 256 * 1024 * 1024 + 1024,
      limitPerUserBytes: 1024 ** 3,
    };
    const sut = cliHarness({ 'GET /api/admin/storage': ok(report) });
    expect((await sut.run('storage')).stdout).toBe(
      [
        'USER        SIZE  OF LIMIT  ARCHIVES  CHECKPOINTS  STATE',
        'bob    256.0 MiB     25.0%         3            2  awake!',
        'alice    1.0 KiB      0.0%         1            0  hibernated',
        '',
        '! bob: restore failed: boom',
        'total  256.0 MiB for 2 users (at most 1.0 GiB per user: SANDBOX_ARCHIVE_MAX)',
        '',
      ].join('\n'),
    );
    const empty = cliHarness({ 'GET /api/admin/storage': ok({ users: [], totalBytes: 0, limitPerUserBytes: 1024 }) });
    expect((await empty.run('storage')).stdout).toMatch(/^No saved databases\.\ntotal {2}0 B for 0 users/);
  });

  it('drain --hibernate asks for it, sends it and reports how many were saved', async () => {
    const sut = cliHarness({
      'POST /api/admin/drain': (c) => ({
        body: { target: 1, ready: 0, starting: 0, draining: true, ...((c.body as { hibernate?: boolean }).hibernate && { hibernated: 3 }) },
      }),
    });
    expect((await sut.run('drain', '--hibernate')).code).toBe(ExitCode.usage);
    const r = await sut.run('drain', '--hibernate', '--yes');
    expect(r.stdout).toMatch(/^Draining: .* Hibernated 3 idle sandboxes\. Pool: 0 ready/);
    expect((await sut.run('drain', '--yes')).stdout).not.toMatch(/Hibernated/);
    expect(sut.calls.map((c) => c.body)).toEqual([{ hibernate: true }, {}]);
  });
});
