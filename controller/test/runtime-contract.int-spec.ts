import { JsonLogger } from '../src/common/json-logger';
import { loadConfig } from '../src/config/app-config';
import { DockerRuntime } from '../src/runtime/docker-runtime';
import { removeContainers, testPrefix } from './support/harness';
import { describeRuntimeContract } from './support/runtime-contract';

// The same contract runs against the fake in src/runtime/fake-runtime.contract.spec.ts.
const prefix = testPrefix();
describeRuntimeContract(
  `${DockerRuntime.name} (real Docker)`,
  async () => {
    const config = loadConfig({ SANDBOX_PREFIX: prefix, LOG_LEVEL: 'error' });
    const runtime = new DockerRuntime(config, new JsonLogger(config.logLevel));
    return { runtime, image: config.image, labels: { 'pgsbx.prefix': prefix }, namePrefix: prefix };
  },
  async () => removeContainers(prefix),
);
