import { loadConfig } from '../config/app-config';
import { StopMessages } from './stop-messages';

describe(StopMessages.name, () => {
  const sut = new StopMessages(loadConfig({ SANDBOX_STATEMENT_TIMEOUT: '30s' }));
  const SERVER = 'canceling statement due to statement timeout';

  it("names the server's limit when a statement ran past it", () => {
    expect(sut.cancelled('57014', SERVER, undefined, 30_100)).toBe(
      'canceling statement: it ran past the 30 s limit (SANDBOX_STATEMENT_TIMEOUT)',
    );
  });

  it("says a sooner timeout was the session's own statement_timeout, and names the server's limit", () => {
    expect(sut.cancelled('57014', SERVER, undefined, 120)).toBe(
      "canceling statement due to statement timeout: it ran past this session's statement_timeout (set lower than the server's 30 s limit)",
    );
  });

  it('keeps the server message for a cancel the user asked for, and for other errors', () => {
    expect(sut.cancelled('57014', 'canceling statement due to user request', 'user', 50)).toBeUndefined();
    expect(sut.cancelled('22012', 'division by zero', undefined, 1)).toBeUndefined();
  });
});
