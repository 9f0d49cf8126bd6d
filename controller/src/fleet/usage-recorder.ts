import { Injectable } from '@nestjs/common';
import { JsonLogger } from '../common/json-logger';
import { warnOnFailure } from '../common/log-failure';
import { ControlStore } from '../control/control-store';

/** The control store hears of a user's use at most this often: retention counts in days. */
const WRITE_EVERY_MS = 60_000;

/**
 * Keeps each user's last use in the control store (what SANDBOX_RETENTION counts from) without a
 * database write per exec: one write per user per minute, off the request path.
 */
@Injectable()
export class UsageRecorder {
  private readonly written = new Map<string, number>();

  constructor(
    private readonly control: ControlStore,
    private readonly log: JsonLogger,
  ) {}

  touch(userId: string, now: number): void {
    const last = this.written.get(userId);
    if (last !== undefined && now - last < WRITE_EVERY_MS) return;
    this.written.set(userId, now);
    if (this.written.size > 100_000) this.written.clear();
    this.control.recordUse(userId, new Date(now)).catch(warnOnFailure(this.log, 'fleet', 'recording last use failed', { user: userId }));
  }

  /** Forces the next touch to write (after a wake or a reset, which change the record anyway). */
  forget(userId: string): void {
    this.written.delete(userId);
  }
}
