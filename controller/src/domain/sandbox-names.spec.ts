import { containerKind, userContainerName } from './sandbox-names';

/**
 * A swarm service's name must be a DNS label (letters, digits, '-') of at most 63 characters, and
 * its secret's name (`<service>-tls-<8 hex>`) at most 64: a user id Docker takes as a container name
 * (`John.Doe`, `a_b`, 60 characters) made the swarm answer that user 500 on every request.
 */
describe('userContainerName', () => {
  const swarmSafe = (name: string) => /^[a-zA-Z0-9][a-zA-Z0-9-]*$/.test(name) && name.length <= 63;

  it.each(['John.Doe', 'a_b', 'x'.repeat(60), 'UPPER.case_x', 'émile', 'a|b'])('on a swarm, %s gets a name swarm takes', (id) => {
    for (const prefix of ['pgsbx', 'p'.repeat(31)]) {
      const name = userContainerName(prefix, id, 'swarm');
      expect(swarmSafe(name)).toBe(true);
      expect(containerKind(prefix, name).kind).toBe('user');
    }
  });

  it('on a swarm, a plain id stays readable, and different ids never share a name', () => {
    expect(userContainerName('pgsbx', 'alice', 'swarm')).toBe('pgsbx-u-alice');
    expect(userContainerName('pgsbx', 'a.b', 'swarm')).not.toBe(userContainerName('pgsbx', 'a-b', 'swarm'));
    expect(userContainerName('pgsbx', 'x'.repeat(60), 'swarm')).not.toBe(userContainerName('pgsbx', 'x'.repeat(61), 'swarm'));
  });

  it('on a swarm, ids that differ only in case never share a name (swarm and DNS ignore case)', () => {
    const names = ['alice', 'Alice', 'ALICE'].map((id) => userContainerName('pgsbx', id, 'swarm').toLowerCase());
    expect(new Set(names).size).toBe(3);
    expect(names[0]).toBe('pgsbx-u-alice');
  });

  it('docker mode keeps its names (running containers are adopted by them)', () => {
    expect(userContainerName('pgsbx', 'John.Doe')).toBe('pgsbx-u-John.Doe');
    expect(userContainerName('pgsbx', 'x'.repeat(60))).toBe(`pgsbx-u-${'x'.repeat(60)}`);
  });
});
