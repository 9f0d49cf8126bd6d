import { FakeControlStore } from '../../test/support/fake-control-store';
import { describeControlStoreContract } from '../../test/support/control-store-contract';

// The same contract runs against PgControlStore on a real Postgres in test/control-store.int-spec.ts.
describeControlStoreContract(
  FakeControlStore.name,
  async () => new FakeControlStore(),
  async () => undefined,
);
