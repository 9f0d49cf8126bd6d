import { Injectable } from '@nestjs/common';
import { JsonLogger } from '../common/json-logger';
import { AppConfig } from '../config/app-config';
import { ControlStore } from '../control/control-store';
import { ArchiveStore } from './archive-store';

/** An archive no record names, younger than this, may be a write whose record is on its way. */
export const ORPHAN_AFTER_MS = 60 * 60_000;

/** What retention needs from the fleet, which alone knows it. */
export abstract class LiveSandboxes {
  /** The user has a sandbox now: running, starting or being restored. */
  abstract has(userId: string): boolean;
  /** Runs `fn` while no start, wake or hibernate of this user can run (the fleet's user lock). */
  abstract exclusive<T>(userId: string, fn: () => Promise<T>): Promise<T>;
}

export interface SweepReport {
  expiredUsers: number;
  expiredBytes: number;
  orphans: number;
  /** Leftovers of writes that never finished (a crash mid-hibernate). */
  unfinished: number;
}

/**
 * Retention (SANDBOX_RETENTION): archives of users unseen that long are deleted, with their
 * records; archives no record names (a crash between writing and recording) go after an hour;
 * temp files of unfinished writes after a minute. The fleet's periodic tick calls sweep().
 */
@Injectable()
export class ArchiveRetention {
  private running: Promise<SweepReport> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly control: ControlStore,
    private readonly archives: ArchiveStore,
    private readonly live: LiveSandboxes,
    private readonly log: JsonLogger,
  ) {}

  /** One sweep at a time: a tick that comes while one runs shares its result. */
  sweep(now: Date): Promise<SweepReport> {
    this.running ??= this.sweepOnce(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepOnce(now: Date): Promise<SweepReport> {
    const report: SweepReport = { expiredUsers: 0, expiredBytes: 0, orphans: 0, unfinished: 0 };
    const cutoff = new Date(now.getTime() - this.config.retentionMs);
    for (const { userId } of await this.control.unusedSince(cutoff)) {
      try {
        const bytes = await this.expire(userId, cutoff);
        if (bytes !== null) {
          report.expiredUsers++;
          report.expiredBytes += bytes;
        }
      } catch (e) {
        this.log.event('warn', 'retention', 'could not expire a user’s archives; next sweep tries again', {
          user: userId,
          error: (e as Error).message,
        });
      }
    }
    report.orphans = await this.removeOrphans(now);
    report.unfinished = await this.archives.removeUnfinished();
    return report;
  }

  /** The bytes freed, or null when the user turned out to be in use after all. */
  private expire(userId: string, cutoff: Date): Promise<number | null> {
    return this.live.exclusive(userId, async () => {
      // Read again under the lock: the user may have come back since the list was made.
      const user = await this.control.user(userId);
      if (!user || user.lastUsedAt >= cutoff || this.live.has(userId)) return null;
      // Records first, bytes second: a crash in between leaves bytes no record names, which the
      // orphan clean-up removes. The other order could leave a record naming missing bytes, and
      // the user's next wake would fail with "your saved database could not be found".
      const records = await this.control.deleteUser(userId);
      let bytes = 0;
      for (const r of records) {
        await this.archives.remove(r.key).then(
          () => (bytes += r.bytes),
          (e: Error) =>
            this.log.event('warn', 'retention', 'could not remove an expired archive; the orphan clean-up will', {
              user: userId,
              key: r.key,
              error: e.message,
            }),
        );
      }
      this.log.event('info', 'retention', 'archives expired', {
        user: userId,
        bytes,
        archives: records.length,
        lastUsedAt: user.lastUsedAt.toISOString(),
      });
      return bytes;
    });
  }

  private async removeOrphans(now: Date): Promise<number> {
    // Files first, records second: an archive written and recorded in between is in both lists.
    const files = await this.archives.list();
    const records = await this.control.archives();
    if (records.length === 0 && files.length > 0) {
      // A control store that knows nothing beside a full archive directory is more likely a new
      // or wrong CONTROL_DATABASE_URL than a thousand crashes: the files may be all that is left.
      this.log.event('warn', 'retention', 'the control store records no archives but the archive directory holds some: not removing them', {
        archives: files.length,
        archiveDir: this.config.archiveDir,
      });
      return 0;
    }
    const known = new Set(records.map((r) => r.key));
    const before = now.getTime() - ORPHAN_AFTER_MS;
    let removed = 0;
    for (const f of files) {
      if (known.has(f.key) || f.modifiedAt.getTime() >= before) continue;
      try {
        await this.archives.remove(f.key);
      } catch (e) {
        this.log.event('warn', 'retention', 'could not remove an orphan archive', { key: f.key, error: (e as Error).message });
        continue;
      }
      removed++;
      this.log.event('info', 'retention', 'orphan archive removed (no record names it)', {
        key: f.key,
        bytes: f.bytes,
        modifiedAt: f.modifiedAt.toISOString(),
      });
    }
    return removed;
  }
}
