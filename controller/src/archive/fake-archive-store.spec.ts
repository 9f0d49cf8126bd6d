import { archiveStoreContract } from '../../test/support/archive-store.contract';
import { FakeArchiveStore } from '../../test/support/fake-archive-store';

// The same contract runs against FsArchiveStore on a real directory in fs-archive-store.spec.ts.
describe(`${FakeArchiveStore.name} keeps the ArchiveStore contract`, () => {
  let store: FakeArchiveStore;
  beforeEach(() => (store = new FakeArchiveStore()));
  archiveStoreContract(() => ({
    store,
    damage: async (key, change) => store.damage(key, change),
    lose: async (key) => void store.entries.delete(key),
    leaveUnfinished: async (_user, ageMs) => store.leaveUnfinished(ageMs),
    unfinished: async () => store.unfinished.size,
  }));
});
