import { Injectable } from '@nestjs/common';

export interface DeathNotice {
  reason: string;
  at: number;
  container: string;
}

/** Why a user's previous sandbox is gone, kept by container name until their next exec is told, once. */
@Injectable()
export class DeathNotices {
  private readonly notices = new Map<string, DeathNotice>();

  record(name: string, notice: DeathNotice): void {
    this.notices.set(name, notice);
  }

  take(name: string): DeathNotice | undefined {
    const d = this.notices.get(name);
    this.notices.delete(name);
    return d;
  }
}
