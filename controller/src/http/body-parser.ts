import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isUtf8 } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import { MAX_JSON_DEPTH, jsonDeeperThan } from './json-depth';
import { readPlainJson } from './plain-json-body';

interface BodyError {
  status?: number;
  type?: string;
  message?: string;
}

/**
 * express.json with its failures (too large, malformed, wrong charset, nested deeper than
 * MAX_JSON_DEPTH, checked before parsing) answered as our JSON error shape: body-parser's errors
 * happen before Nest's routing and would otherwise be HTML. The common case (plain UTF-8 JSON
 * with a Content-Length within the limit) is read by readPlainJson, with the same checks and
 * errors, for a fraction of body-parser's cost; everything else still goes through body-parser.
 */
export function jsonBody(limitBytes: number, tooLargeHint = 'send less SQL at a time'): RequestHandler {
  const parse = json({
    limit: limitBytes,
    strict: true,
    verify: (_req, _res, buf) => {
      const problem = bodyProblem(buf);
      if (problem) throw Object.assign(new Error(problem.message), problem);
    },
  });
  return (req: Request & { _body?: boolean }, res: Response, next: NextFunction) => {
    // Read already by an earlier jsonBody (a route's own limit): the stream is spent. `_body` is
    // body-parser's own flag, set by readPlainJson's path too.
    if (req._body) return next();
    const done = (err?: BodyError) => {
      if (!err) {
        req._body = true;
        return next();
      }
      const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
      const message =
        status === 413
          ? `The request body is larger than ${Math.round(limitBytes / 1024)} KB; ${tooLargeHint}.`
          : err.type === 'entity.parse.failed'
            ? 'The request body is not valid JSON.'
            : err.type === 'encoding.invalid'
              ? 'The request body is not valid UTF-8 text.'
              : err.type === 'entity.too.deep'
                ? `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; no request needs that.`
                : `The request body could not be read (${err.message ?? err.type}).`;
      res.status(status).json({ statusCode: status, error: STATUS_CODES[status], message });
    };
    if (!readPlainJson(req, limitBytes, bodyProblem, done)) parse(req, res, done);
  };
}

/** What is wrong with a body's bytes before they are parsed, if anything. */
function bodyProblem(buf: Buffer): Required<BodyError> | undefined {
  if (!isUtf8(buf)) return { status: 400, type: 'encoding.invalid', message: 'not UTF-8' };
  if (jsonDeeperThan(buf, MAX_JSON_DEPTH)) return { status: 400, type: 'entity.too.deep', message: 'too deep' };
  return undefined;
}
