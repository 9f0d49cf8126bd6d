import type Docker from 'dockerode';
import { eventsBetween } from './swarm-events';
import { SwarmNodes, SwarmTask, viewServices } from './swarm-view';

const service = { ID: 'svc1', CreatedAt: '2026-11-29T00:00:00Z', Spec: { Name: 'pgsbx-pool-a', Labels: {} } } as unknown as Docker.Service;
const task = (state: string, desired: string): SwarmTask => ({
  ID: 't1',
  ServiceID: 'svc1',
  NodeID: 'n3',
  DesiredState: desired,
  Status: { State: state },
});
const nodes = (down: string[] = []): SwarmNodes => ({ names: new Map([['n3', 'worker-3']]), down: new Set(down) });

describe('viewServices: a task on a lost node', () => {
  it('is running while the swarm still wants it running', () => {
    const [c] = viewServices([service], [task('running', 'running')], nodes(), 'pgsbx');
    expect(c).toMatchObject({ running: true, node: 'worker-3', exitReason: undefined });
  });

  it('is dead once the swarm gives up on it (its node went down), although its last report says running', () => {
    const [c] = viewServices([service], [task('running', 'shutdown')], nodes(['n3']), 'pgsbx');
    expect(c).toMatchObject({ running: false, exitReason: 'its node worker-3 went down' });
  });

  it('says the swarm gave up when the node is not (yet) known to be down', () => {
    const [c] = viewServices([service], [task('starting', 'shutdown')], nodes(), 'pgsbx');
    expect(c).toMatchObject({ running: false, exitReason: 'the swarm gave up on it on worker-3' });
  });

  it('turns into a die event for the fleet', () => {
    const [before] = viewServices([service], [task('running', 'running')], nodes(), 'pgsbx');
    const now = viewServices([service], [task('running', 'shutdown')], nodes(['n3']), 'pgsbx');
    expect(eventsBetween(new Map([[before.id, before]]), now)).toEqual([
      { kind: 'die', id: 'svc1', name: 'pgsbx-pool-a', exitCode: undefined, reason: 'its node worker-3 went down' },
    ]);
  });
});
