import { DeathNotices } from './death-notices';

const notice = (reason: string, at = 1_700_000_000_000, container = 'p-u-ann') => ({ reason, at, container });

describe(DeathNotices.name, () => {
  it('tells a notice once: the next take finds nothing', () => {
    const sut = new DeathNotices();
    sut.record('p-u-ann', notice('ran out of memory at its limit of 256 MB'));
    expect(sut.take('p-u-ann')).toEqual(notice('ran out of memory at its limit of 256 MB'));
    expect(sut.take('p-u-ann')).toBeUndefined();
  });

  it('has nothing to tell a container that did not die', () => {
    const sut = new DeathNotices();
    sut.record('p-u-ann', notice('stopped (exit 1)'));
    expect(sut.take('p-u-bob')).toBeUndefined();
    expect(sut.take('p-u-ann')?.reason).toBe('stopped (exit 1)');
  });

  it('keeps each container’s notice apart, whichever is taken first', () => {
    const sut = new DeathNotices();
    sut.record('p-u-ann', notice('stopped (exit 1)', 1, 'p-u-ann'));
    sut.record('p-u-bob', notice('was idle for 10 minutes', 2, 'p-u-bob'));
    expect(sut.take('p-u-bob')).toEqual(notice('was idle for 10 minutes', 2, 'p-u-bob'));
    expect(sut.take('p-u-ann')).toEqual(notice('stopped (exit 1)', 1, 'p-u-ann'));
  });

  it('tells only the latest reason when a name died twice before its user came back', () => {
    const sut = new DeathNotices();
    sut.record('p-u-ann', notice('stopped (exit 1)', 1));
    sut.record('p-u-ann', notice('was replaced at the end of its lifetime', 2));
    expect(sut.take('p-u-ann')).toEqual(notice('was replaced at the end of its lifetime', 2));
    expect(sut.take('p-u-ann')).toBeUndefined();
  });
});
