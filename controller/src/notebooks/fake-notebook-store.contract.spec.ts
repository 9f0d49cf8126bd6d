import { FakeNotebookStore } from '../../test/support/fake-notebook-store';
import { describeNotebookStoreContract } from '../../test/support/notebook-store-contract';

// The same contract runs against PgNotebookStore on a real Postgres in test/notebooks.int-spec.ts.
describeNotebookStoreContract(
  FakeNotebookStore.name,
  async () => new FakeNotebookStore(),
  async () => undefined,
);
