import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/json-logger';
import { warnOnFailure } from '../common/log-failure';
import { MetricsService } from '../common/metrics.service';
import { AppConfig } from '../config/app-config';
import { ArchiveQuotaError, ArchiveStore } from '../archive/archive-store';
import { SandboxArchiver } from '../archive/sandbox-archiver';
import { ArchiveKind, ArchiveRecord, ControlStore } from '../control/control-store';
import { CheckpointLimitError, CheckpointNotFoundError } from '../domain/errors';
import { Sandbox, WakeReport } from '../domain/sandbox';
import { RETIRED_BECAUSE, ReapReason } from './retire-reasons';
import { Retirement } from './retirement';

/** A user's hibernation archive is recorded under this name (checkpoints under their own). */
export const HIBERNATION_NAME = 'latest';

/** Restores in progress, for `GET /api/sandbox` ("restoring your database…"). */
export interface WakeProgress {
  startedAt: number;
  bytes: number;
}

/**
 * Hibernation (issue 11): a sandbox's database is saved into the ArchiveStore, recorded in the
 * ControlStore, and only then is the container removed; the user's next request restores it into
 * a fresh container. Checkpoints are the same save under a name. Every method expects the caller
 * to hold the user's lock (UserLock), so a wake and a hibernate of one user never overlap.
 */
@Injectable()
export class Hibernation {
  private readonly waking = new Map<string, WakeProgress>();

  constructor(
    private readonly config: AppConfig,
    private readonly archiver: SandboxArchiver,
    private readonly archives: ArchiveStore,
    private readonly control: ControlStore,
    private readonly retirement: Retirement,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
    private readonly log: JsonLogger,
  ) {}

  /**
   * Saves the user's database, records it, then removes the container. While it runs, the user's
   * requests wait for the user's lock (`sb.hibernating` keeps them off the fast path). Returns false
   * (the sandbox stays, as it was) when the save failed: nothing is lost by a failed hibernate.
   */
  async hibernate(sb: Sandbox, reason: ReapReason): Promise<boolean> {
    if (sb.gone || sb.active > 0 || !sb.userId) return false;
    const userId = sb.userId;
    sb.hibernating = true;
    const started = this.clock.now();
    let saved: ArchiveRecord;
    try {
      saved = await this.save(sb, userId, 'hibernation', HIBERNATION_NAME, true);
    } catch (e) {
      sb.hibernating = false;
      this.observe('hibernate', 'failed', started);
      const error = (e as Error).message;
      this.log.event('error', 'fleet', 'hibernate failed; the sandbox stays', { user: userId, container: sb.name, reason, error });
      await this.control
        .setLastError(userId, `hibernate failed: ${error}`)
        .catch(warnOnFailure(this.log, 'fleet', 'recording an error failed'));
      return false;
    }
    sb.endedBecause = `${RETIRED_BECAUSE[reason]}; its database was saved and comes back on your next run`;
    await this.retirement.retire(sb.containerId, sb, reason);
    const ms = this.observe('hibernate', 'ok', started);
    this.log.event('info', 'fleet', 'sandbox hibernated', { user: userId, container: sb.name, reason, bytes: saved.bytes, ms });
    return true;
  }

  /**
   * When the user is hibernated, restores their database into `sb` (a fresh container not yet
   * given to anyone) and clears the flag; else nothing. Throws when the archive is damaged or
   * will not restore: the caller retires `sb`, and the archive and the flag stay as they were.
   */
  async wakeInto(sb: Sandbox, userId: string): Promise<WakeReport | undefined> {
    const user = await this.control.user(userId);
    if (!user?.hibernated) return undefined;
    const archive = await this.control.archive(userId, 'hibernation', HIBERNATION_NAME);
    if (!archive) {
      // Flag without an archive: a record from a crash between the two. Nothing to restore.
      await this.control.setHibernated(userId, false);
      return undefined;
    }
    const report = await this.restore(sb, userId, archive, 'wake');
    await this.control.setHibernated(userId, false);
    sb.lastSavedAt = this.clock.now();
    return report;
  }

  /**
   * Saves the running sandbox as the user's latest archive without stopping it (autosave): what
   * a lost container (a dead node, an OOM) comes back from. Returns false when the save failed.
   */
  async autosave(sb: Sandbox): Promise<boolean> {
    if (sb.gone || sb.hibernating || !sb.userId) return false;
    const started = this.clock.now();
    try {
      const saved = await this.save(sb, sb.userId, 'hibernation', HIBERNATION_NAME);
      sb.lastSavedAt = started;
      this.observe('autosave', 'ok', started);
      this.log.event('info', 'fleet', 'sandbox autosaved', { user: sb.userId, container: sb.name, bytes: saved.bytes });
      return true;
    } catch (e) {
      this.observe('autosave', 'failed', started);
      this.log.event('warn', 'fleet', 'autosave failed', { user: sb.userId, container: sb.name, error: (e as Error).message });
      return false;
    }
  }

  /** Restores a checkpoint into `sb`, a fresh container (reset to a checkpoint). */
  async restoreCheckpoint(sb: Sandbox, userId: string, name: string): Promise<WakeReport> {
    const archive = await this.control.archive(userId, 'checkpoint', name);
    if (!archive) throw new CheckpointNotFoundError(name);
    return this.restore(sb, userId, archive, 'restore');
  }

  /** Throws CheckpointNotFoundError, or the store's error when its bytes fail their checksum. */
  async verifyCheckpoint(userId: string, name: string): Promise<void> {
    const archive = await this.control.archive(userId, 'checkpoint', name);
    if (!archive) throw new CheckpointNotFoundError(name);
    (await this.archives.open(archive.key, archive)).destroy();
  }

  /** Saves a named checkpoint of the running sandbox (replacing one of the same name). */
  async checkpoint(sb: Sandbox, userId: string, name: string): Promise<ArchiveRecord> {
    const existing = await this.control.archives(userId);
    const checkpoints = existing.filter((a) => a.kind === 'checkpoint');
    if (!checkpoints.some((c) => c.name === name) && checkpoints.length >= this.config.maxCheckpoints) {
      throw new CheckpointLimitError(
        this.config.maxCheckpoints,
        checkpoints.map((c) => c.name),
      );
    }
    const started = this.clock.now();
    const saved = await this.save(sb, userId, 'checkpoint', name);
    this.observe('checkpoint', 'ok', started);
    return saved;
  }

  async deleteCheckpoint(userId: string, name: string): Promise<boolean> {
    const removed = await this.control.deleteArchive(userId, 'checkpoint', name);
    if (removed) await this.archives.remove(removed.key);
    return !!removed;
  }

  checkpoints(userId: string): Promise<ArchiveRecord[]> {
    return this.control.archives(userId).then((all) => all.filter((a) => a.kind === 'checkpoint'));
  }

  /** Reset: the user's saved database goes (checkpoints stay: they are what "Reset to…" is for). */
  async discardHibernation(userId: string): Promise<void> {
    const removed = await this.control.deleteArchive(userId, 'hibernation', HIBERNATION_NAME);
    await this.control.setHibernated(userId, false);
    if (removed) await this.archives.remove(removed.key);
  }

  /** An operator's `rm`: every archive and the record go. */
  async forget(userId: string): Promise<number> {
    const removed = await this.control.deleteUser(userId);
    for (const a of removed) await this.archives.remove(a.key);
    return removed.length;
  }

  /** Refreshes the pgsbx_hibernated_users gauge from the control store. */
  async countHibernated(): Promise<void> {
    this.metrics.hibernated.set((await this.control.users({ hibernated: true })).length);
  }

  hibernationArchive(userId: string): Promise<ArchiveRecord | null> {
    return this.control.archive(userId, 'hibernation', HIBERNATION_NAME);
  }

  isHibernated(userId: string): Promise<boolean> {
    return this.control.user(userId).then((u) => !!u?.hibernated);
  }

  progress(name: string): WakeProgress | undefined {
    return this.waking.get(name);
  }

  private async save(sb: Sandbox, userId: string, kind: ArchiveKind, name: string, hibernated?: boolean): Promise<ArchiveRecord> {
    const all = await this.control.archives(userId);
    const replacing = all.find((a) => a.kind === kind && a.name === name);
    const used = all.reduce((sum, a) => sum + a.bytes, 0) - (replacing?.bytes ?? 0);
    let stored;
    try {
      stored = await this.archiver.save(sb.containerId, userId, Math.max(0, this.config.archiveMaxBytes - used));
    } catch (e) {
      // The store names the budget it was given; the user is told the per-user limit.
      throw e instanceof ArchiveQuotaError ? new ArchiveQuotaError(this.config.archiveMaxBytes) : e;
    }
    const record: ArchiveRecord = { userId, kind, name, ...stored, createdAt: new Date(this.clock.now()) };
    let previous: ArchiveRecord | null;
    try {
      previous = await this.control.putArchive(record, hibernated);
    } catch (e) {
      await this.archives.remove(stored.key).catch(warnOnFailure(this.log, 'fleet', 'removing an unrecorded archive failed'));
      throw e;
    }
    if (previous && previous.key !== stored.key) {
      await this.archives
        .remove(previous.key)
        .catch(warnOnFailure(this.log, 'fleet', 'removing a replaced archive failed; retention cleans it'));
    }
    return record;
  }

  private async restore(sb: Sandbox, userId: string, archive: ArchiveRecord, op: 'wake' | 'restore'): Promise<WakeReport> {
    const started = this.clock.now();
    this.waking.set(sb.name, { startedAt: started, bytes: archive.bytes });
    try {
      await this.archiver.restore(sb.containerId, archive);
    } catch (e) {
      this.observe(op, 'failed', started);
      const error = (e as Error).message;
      this.log.event('error', 'fleet', `${op} failed; the archive is kept`, {
        user: userId,
        container: sb.name,
        archive: archive.key,
        error,
      });
      await this.control
        .setLastError(userId, `${op} failed: ${error}`)
        .catch(warnOnFailure(this.log, 'fleet', 'recording an error failed'));
      throw e;
    } finally {
      this.waking.delete(sb.name);
    }
    const ms = this.observe(op, 'ok', started);
    await this.control.setLastError(userId, undefined).catch(warnOnFailure(this.log, 'fleet', 'clearing an error failed'));
    this.log.event('info', 'fleet', op === 'wake' ? 'sandbox woken' : 'checkpoint restored', {
      user: userId,
      container: sb.name,
      name: archive.name,
      bytes: archive.bytes,
      ms,
    });
    return { savedAt: archive.createdAt, bytes: archive.bytes, ms, name: archive.kind === 'checkpoint' ? archive.name : undefined };
  }

  private observe(op: string, outcome: 'ok' | 'failed', started: number): number {
    const ms = this.clock.now() - started;
    this.metrics.archiveSeconds.observe({ op, outcome }, ms / 1000);
    return ms;
  }
}
