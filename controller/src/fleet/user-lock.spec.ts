import { UserLock } from './user-lock';

const flush = () => new Promise((r) => setImmediate(r));

describe(UserLock.name, () => {
  it('runs work of one key one after another, other keys alongside', async () => {
    const sut = new UserLock();
    const log: string[] = [];
    let finishFirst!: () => void;
    const first = sut.run('a', () => new Promise<void>((r) => (log.push('a1 start'), (finishFirst = () => (log.push('a1 end'), r())))));
    const second = sut.run('a', async () => void log.push('a2'));
    const other = sut.run('b', async () => void log.push('b'));
    await other;
    await flush();
    expect(log).toEqual(['a1 start', 'b']);
    finishFirst();
    await Promise.all([first, second]);
    expect(log).toEqual(['a1 start', 'b', 'a1 end', 'a2']);
  });

  it('a failure reaches its caller only and does not block the next', async () => {
    const sut = new UserLock();
    await expect(sut.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(sut.run('a', async () => 'next')).resolves.toBe('next');
  });

  it('forgets a key once its work is done', async () => {
    const sut = new UserLock();
    await sut.run('a', async () => undefined);
    await flush();
    expect(sut.held).toBe(0);
  });
});
