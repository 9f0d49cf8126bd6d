import { requestIdFor } from './request-id';

describe('requestIdFor', () => {
  it('honours a sane incoming X-Request-Id', () => {
    expect(requestIdFor({ 'x-request-id': '3f2b9c1e-proxy-42' })).toBe('3f2b9c1e-proxy-42');
    expect(requestIdFor({ 'x-request-id': 'Root=1-67891233-abcdef012345678912345678' })).toBe('Root=1-67891233-abcdef012345678912345678');
  });

  it.each([['a b'], ['x'.repeat(129)], ['line\nbreak'], ['"quoted"'], ['']])('replaces %j with a new UUID', (given) => {
    expect(requestIdFor({ 'x-request-id': given })).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('generates a new id for each request without one', () => {
    expect(requestIdFor({})).not.toBe(requestIdFor({}));
  });
});
