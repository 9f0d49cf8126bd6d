import { describeRuntimeContract } from '../support/runtime-contract';
import { removeServices, swarmConfig, swarmRuntime } from './cluster';

// The contract the fake and Docker keep (test/runtime-contract.int-spec.ts), on the DinD swarm.
const prefix = `pgsbx-c${process.pid % 100000}`;
describeRuntimeContract(
  'SwarmRuntime (3-node DinD swarm)',
  async () => ({
    runtime: swarmRuntime(prefix),
    image: swarmConfig(prefix).image,
    labels: { 'pgsbx.prefix': prefix },
    namePrefix: prefix,
    remote: true,
  }),
  async () => removeServices(prefix),
);
