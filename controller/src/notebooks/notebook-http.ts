// The HTTP edges of the notebooks API: ids, versions as ETag/If-Match, the link's origin.
import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What randomBytes(16).toString('base64url') makes. */
export const SHARE_TOKEN = /^[A-Za-z0-9_-]{22}$/;

export function notebookId(id: string): string {
  if (!UUID.test(id)) throw new BadRequestException(`"${id.slice(0, 80)}" is not a notebook id (a UUID such as 0b7f…-…).`);
  return id.toLowerCase();
}

/** `3`, `"3"` or `W/"3"`: the version the write replaces. */
export function versionFromIfMatch(header: string | undefined): number {
  if (header === undefined || header.trim() === '') {
    throw new HttpException(
      {
        message:
          'Send If-Match: <version> with the version of the notebook you edited (GET gives it as the ETag), ' +
          'so a write never silently replaces changes made elsewhere.',
      },
      HttpStatus.PRECONDITION_REQUIRED,
    );
  }
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!m || Number(m[1]) < 1)
    throw new BadRequestException(`If-Match must be a notebook version such as "3", not ${JSON.stringify(header.slice(0, 40))}.`);
  return Number(m[1]);
}

export function setVersionTag<T extends { version: number }>(res: Response, notebook: T): T {
  res.setHeader('ETag', `"${notebook.version}"`);
  return notebook;
}

/** Where the caller reached us (behind a proxy, as Express's trust-proxy setting allows). */
export function requestOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
