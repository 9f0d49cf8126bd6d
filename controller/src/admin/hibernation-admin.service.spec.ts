import { FakeControlStore } from '../../test/support/fake-control-store';
import { loadConfig } from '../config/app-config';
import type { ArchiveRecord } from '../control/control-store';
import type { FleetService } from '../fleet/fleet.service';
import type { SandboxService } from '../sandbox/sandbox.service';
import type { AdminService } from './admin.service';
import { HibernationAdminService } from './hibernation-admin.service';

const MiB = 1024 * 1024;
let seq = 0;
const archive = (userId: string, kind: ArchiveRecord['kind'], name: string, bytes: number, at: string): ArchiveRecord => ({
  userId,
  kind,
  name,
  key: `k${++seq}`,
  bytes,
  sha256: '0'.repeat(64),
  createdAt: new Date(at),
});

describe(HibernationAdminService.name, () => {
  let control: FakeControlStore;
  let outcome: Awaited<ReturnType<FleetService['hibernateUser']>>;
  let sut: HibernationAdminService;

  beforeEach(async () => {
    control = new FakeControlStore();
    const fleet = { hibernateUser: async () => outcome } as unknown as FleetService;
    const config = loadConfig({ SANDBOX_ARCHIVE_MAX: '100m' });
    sut = new HibernationAdminService(fleet, {} as SandboxService, {} as AdminService, control, config);
    // alice: hibernated with a checkpoint; bob: awake with two checkpoints and a failed wake;
    // carol: flagged hibernated by a crash before her archive was recorded.
    await control.putArchive(archive('alice', 'checkpoint', 'v1', 2 * MiB, '2026-01-01T09:00:00Z'));
    await control.putArchive(archive('alice', 'hibernation', 'latest', 3 * MiB, '2026-01-01T11:00:00Z'), true);
    await control.recordUse('alice', new Date('2026-01-01T10:45:00Z'));
    await control.putArchive(archive('bob', 'hibernation', 'latest', 1 * MiB, '2026-01-01T08:00:00Z'), true);
    await control.putArchive(archive('bob', 'checkpoint', 'a', 5 * MiB, '2026-01-01T08:30:00Z'));
    await control.putArchive(archive('bob', 'checkpoint', 'b', 5 * MiB, '2026-01-01T08:40:00Z'));
    await control.setLastError('bob', 'wake failed: archive k4 failed its check');
    await control.recordUse('carol', new Date('2026-01-01T07:00:00Z'));
    await control.setHibernated('carol', true);
  });

  it('lists hibernated users oldest save first, with their archive, last use and last error; a flag without an archive is not listed', async () => {
    expect(await sut.hibernated()).toEqual([
      {
        user: 'bob',
        savedAt: '2026-01-01T08:00:00.000Z',
        bytes: MiB,
        lastUsedAt: '2026-01-01T08:00:00.000Z',
        lastError: 'wake failed: archive k4 failed its check',
      },
      { user: 'alice', savedAt: '2026-01-01T11:00:00.000Z', bytes: 3 * MiB, lastUsedAt: '2026-01-01T10:45:00.000Z', lastError: null },
    ]);
    await control.setHibernated('bob', false);
    expect((await sut.hibernated()).map((h) => h.user)).toEqual(['alice']);
  });

  it('adds up archive bytes per user and in all, and says whose are hibernated or failed', async () => {
    await control.setHibernated('bob', false);
    expect(await sut.storage()).toEqual({
      users: [
        { user: 'alice', bytes: 5 * MiB, archives: 2, checkpoints: 1, hibernated: true, lastError: null },
        { user: 'bob', bytes: 11 * MiB, archives: 3, checkpoints: 2, hibernated: false, lastError: expect.stringMatching(/^wake failed/) },
      ],
      totalBytes: 16 * MiB,
      limitPerUserBytes: 100 * MiB,
    });
  });

  it("answers hibernate with the fleet's outcome, and a reason when nothing was hibernated", async () => {
    outcome = 'hibernated';
    expect(await sut.hibernate('alice')).toEqual({ hibernated: true });
    for (const reason of ['none', 'busy', 'failed', 'already'] as const) {
      outcome = reason;
      expect(await sut.hibernate('alice')).toEqual({ hibernated: false, reason });
    }
  });
});
