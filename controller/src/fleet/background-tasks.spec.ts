import { BackgroundTasks } from './background-tasks';

const flush = () => new Promise((r) => setImmediate(r));

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Whether `p` has settled yet, once pending callbacks have run. */
async function isDone(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await flush();
  return done;
}

describe(BackgroundTasks.name, () => {
  it('settles at once when nothing runs', async () => {
    const sut = new BackgroundTasks();
    expect(await isDone(sut.settle())).toBe(true);
  });

  it('waits for the work it tracks, including work started while it waits', async () => {
    const sut = new BackgroundTasks();
    const removal = deferred();
    const refill = deferred();
    sut.track(removal.promise.then(() => sut.track(refill.promise)));

    const settled = sut.settle();
    expect(await isDone(settled)).toBe(false);
    removal.resolve();
    expect(await isDone(settled)).toBe(false);
    refill.resolve();
    expect(await isDone(settled)).toBe(true);
  });

  it('a failed task neither fails settle nor ends its wait for the rest', async () => {
    const sut = new BackgroundTasks();
    const failing = deferred();
    const slow = deferred();
    sut.track(failing.promise);
    sut.track(slow.promise);

    const settled = sut.settle();
    failing.reject(new Error('removal failed'));
    expect(await isDone(settled)).toBe(false);
    slow.resolve();
    await expect(settled).resolves.toBeUndefined();
  });

  it('a task that fails with nobody waiting is no unhandled rejection', async () => {
    const sut = new BackgroundTasks();
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      sut.track(Promise.reject(new Error('removal failed')));
      await flush();
      await flush();
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
    expect(await isDone(sut.settle())).toBe(true);
  });
});
