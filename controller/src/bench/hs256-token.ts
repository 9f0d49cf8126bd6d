import { createHmac } from 'node:crypto';

/** An HS256 token as the controller's identity provider would issue it (bench and deployment tests). */
export function hs256Token(secret: string, sub: string, role = 'pro', ttlSeconds = 3600): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, role, iat, exp: iat + ttlSeconds })}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
