import { describe, expect, it } from 'vitest';
import { sessionNames } from '../src/hooks/use-sandbox-status';

describe(sessionNames.name, () => {
  it("offers main and s2… up to the controller's limit less the schema tree's session, three before it is known", () => {
    expect(sessionNames(null)).toEqual(['main', 's2', 's3']);
    const limits = {
      statementTimeoutMs: 1,
      maxRows: 1,
      maxSessions: 3,
      maxSqlBytes: 1,
      idleTimeoutMs: 1,
      memoryBytes: 1,
      maxCheckpoints: 5,
      archiveMaxBytes: 1,
    };
    expect(sessionNames({ userId: 'ada', state: 'ready', sessions: [], limits })).toEqual(['main', 's2']);
    expect(sessionNames({ userId: 'ada', state: 'ready', sessions: [], limits: { ...limits, maxSessions: 1 } })).toEqual(['main']);
  });
});
