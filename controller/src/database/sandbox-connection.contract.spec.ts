import { FakeSandboxConnector } from '../../test/support/fake-sandbox-connector';
import { sandboxConnectionContract } from '../../test/support/sandbox-connection.contract';

// The same contract runs against a real sandbox in test/sandbox-connection.int-spec.ts.
describe(`${FakeSandboxConnector.name} keeps the SandboxConnection contract`, () => {
  const connector = new FakeSandboxConnector();
  connector.unreachable.add('/fake/missing');
  sandboxConnectionContract(() => ({
    connector,
    endpoint: { kind: 'unix', dir: '/fake/c1' },
    missing: { endpoint: { kind: 'unix', dir: '/fake/missing' }, code: 'ENOENT' },
  }));
});
