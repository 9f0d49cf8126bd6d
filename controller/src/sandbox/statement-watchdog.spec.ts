import { ManagementUnavailable } from './management-connection';
import { ReplaceCause, StatementWatchdog, StopActions } from './statement-watchdog';

/** A statement that ends when the step named in `endsOn` is taken (or never). */
function statement(endsOn: 'cancel' | 'terminate' | 'replace' | 'never', fail?: ManagementUnavailable) {
  let end!: () => void;
  const ended = new Promise<void>((r) => (end = r));
  const steps: string[] = [];
  const causes: ReplaceCause[] = [];
  const step = (name: 'cancel' | 'terminate') => async () => {
    steps.push(name);
    if (fail) throw fail;
    if (endsOn === name) setTimeout(end, 5);
    return true;
  };
  const actions: StopActions = {
    cancel: step('cancel'),
    terminate: step('terminate'),
    replace: async (cause) => {
      steps.push('replace');
      causes.push(cause);
      if (endsOn !== 'never') end();
    },
  };
  return { sut: new StatementWatchdog(ended, actions, 30), steps, causes, end };
}

describe(StatementWatchdog.name, () => {
  it('stops at the cancel when the statement honours it', async () => {
    const { sut, steps } = statement('cancel');
    await expect(sut.stop('user')).resolves.toBe('cancelled');
    expect(steps).toEqual(['cancel']);
    expect(sut.reason).toBe('user');
  });

  it('terminates a statement that ignores the cancel', async () => {
    const { sut, steps } = statement('terminate');
    await expect(sut.stop('timeout')).resolves.toBe('terminated');
    expect(steps).toEqual(['cancel', 'terminate']);
  });

  it('replaces the sandbox when even termination does not end it', async () => {
    const { sut, steps, causes } = statement('replace');
    await expect(sut.stop('timeout')).resolves.toBe('replaced');
    expect(steps).toEqual(['cancel', 'terminate', 'replace']);
    expect(causes[0].kind).toBe('unresponsive');
  });

  it('replaces at once when the management connection is refused, and says why', async () => {
    const { sut, steps, causes } = statement('replace', new ManagementUnavailable('too many connections', 'refused'));
    await expect(sut.stop('timeout')).resolves.toBe('replaced');
    expect(steps).toEqual(['cancel', 'replace']);
    expect(causes).toEqual([{ kind: 'unstoppable', detail: 'too many connections' }]);
  });

  it('calls a sandbox that does not answer unresponsive', async () => {
    const { sut, causes } = statement('replace', new ManagementUnavailable('no answer within 2000 ms', 'timeout'));
    await expect(sut.stop('deadline')).resolves.toBe('replaced');
    expect(causes[0].kind).toBe('unresponsive');
  });

  it('fires when armed, once; a second stop joins the first', async () => {
    const { sut, steps } = statement('cancel');
    sut.arm(5, 'timeout');
    await new Promise((r) => setTimeout(r, 20));
    const first = sut.outcome;
    expect(first).toBeDefined();
    expect(sut.stop('user')).toBe(first);
    await expect(first).resolves.toBe('cancelled');
    expect(steps).toEqual(['cancel']);
    expect(sut.reason).toBe('timeout');
  });

  it('does nothing to a statement that ended before its limit', async () => {
    const { sut, steps, end } = statement('never');
    sut.arm(20, 'timeout');
    end();
    await new Promise((r) => setTimeout(r, 40));
    expect(sut.outcome).toBeUndefined();
    expect(sut.ended).toBe(true);
    expect(steps).toEqual([]);
  });
});
