import { FakeRuntime } from '../../test/support/fakes';
import { describeRuntimeContract } from '../../test/support/runtime-contract';

// The same contract runs against Docker in test/runtime-contract.int-spec.ts.
describeRuntimeContract(
  FakeRuntime.name,
  async () => {
    const runtime = new FakeRuntime('contract');
    runtime.images = new Set(['pgsbx/postgres:17']);
    return { runtime, image: 'pgsbx/postgres:17', labels: { 'pgsbx.prefix': 'contract' }, namePrefix: 'contract' };
  },
  async () => undefined,
);
