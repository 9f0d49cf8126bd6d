import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { SandboxActivity, SessionActivity } from '@pgsbx/contract';
import { FleetService } from '../fleet/fleet.service';
import { ManagementUnavailable } from './management-connection';
import { SessionManager } from './session-manager';

/**
 * What the user's sessions are doing, for the notebook's "waiting for a lock held by session main"
 * line and its session picker. Read-only: it never claims a sandbox nor opens a session, and it
 * asks through the management connection, so a session that is stuck on a lock can still be seen.
 */
@Injectable()
export class SessionActivityService {
  constructor(
    private readonly fleet: FleetService,
    private readonly sessions: SessionManager,
  ) {}

  async activity(userId: string): Promise<SandboxActivity> {
    const sb = this.fleet.find(userId);
    if (!sb) return { sessions: [] };
    const byPid = new Map<number, string>();
    for (const name of this.sessions.names(sb)) {
      const pid = this.sessions.find(sb, name)?.connection?.processId;
      if (pid) byPid.set(pid, name);
    }
    if (byPid.size === 0) return { sessions: [] };
    let backends;
    try {
      backends = await this.sessions.management(sb).activity([...byPid.keys()]);
    } catch (e) {
      if (e instanceof ManagementUnavailable)
        throw new ServiceUnavailableException(`The sandbox did not say what its sessions are doing: ${e.message}`);
      throw e;
    }
    const sessions: SessionActivity[] = backends.map((b) => ({
      name: byPid.get(b.pid) ?? String(b.pid),
      pid: b.pid,
      state: b.state,
      inTransaction: b.inTransaction,
      waitingFor: b.blockedBy.map((pid) => {
        const session = byPid.get(pid);
        return session ? { pid, session } : { pid };
      }),
    }));
    return { sessions: sessions.sort((a, b) => a.name.localeCompare(b.name)) };
  }
}
