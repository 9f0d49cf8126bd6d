import type { NextFunction, Request, Response } from 'express';
import { hostCheck, hostName } from './host-check';

function call(host: string | undefined, allowed: string[] = []) {
  let passed = false;
  let status = 0;
  let body: { message?: string } = {};
  const res = {
    status(s: number) {
      status = s;
      return this;
    },
    json(b: { message?: string }) {
      body = b;
      return this;
    },
  } as unknown as Response;
  hostCheck(allowed)({ headers: { host } } as Request, res, (() => (passed = true)) as NextFunction);
  return { passed, status, body };
}

describe(hostCheck.name, () => {
  it('serves loopback names with any port', () => {
    for (const host of [
      'localhost',
      'localhost:3000',
      'LOCALHOST:80',
      '127.0.0.1',
      '127.0.0.1:49152',
      '[::1]',
      '[::1]:3000',
      'localhost.:3000',
    ]) {
      expect({ host, passed: call(host).passed }).toEqual({ host, passed: true });
    }
  });

  it('refuses other names with 403 saying how to allow them, and serves them once allowed', () => {
    for (const host of [
      'evil.example',
      'evil.example:3000',
      'localhost.evil.example',
      '127.0.0.1.nip.io',
      '10.0.0.5:3000',
      '',
      undefined,
      'localhost:3000:1',
      '[::1',
    ]) {
      const r = call(host);
      expect({ host, passed: r.passed, status: r.status }).toEqual({ host, passed: false, status: 403 });
      expect(r.body.message).toMatch(/ALLOWED_HOSTS/);
    }
    expect(call('sandbox.example.com:8443', ['sandbox.example.com']).passed).toBe(true);
  });
});

describe(hostName.name, () => {
  it('strips the port and a trailing dot', () => {
    expect(hostName('Box.Example.:3000')).toBe('box.example');
    expect(hostName('[fd00::1]:80')).toBe('[fd00::1]');
    expect(hostName('a:b:c')).toBeNull();
  });
});
