import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { DomainError } from '../domain/errors';
import { ErrorCauses } from '../common/error-causes';
import { JsonLogger } from '../common/json-logger';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  correlationId?: string;
}

/** Every error leaves as JSON `{ statusCode, error, message }`; never a stack trace. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly causes = new ErrorCauses();

  constructor(private readonly log: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception, res);
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  }

  private toBody(e: unknown, res: Response): ErrorBody {
    if (e instanceof HttpException) {
      const status = e.getStatus();
      const r = e.getResponse();
      let message = typeof r === 'string' ? r : (r as { message?: unknown }).message;
      if (Array.isArray(message)) message = message.join('; ');
      // A Nest exception's message is a string or a list (joined above); anything else is shown as String() makes it.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- see above
      return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: String(message ?? e.message) };
    }
    // Domain errors carry their own answer: status, Retry-After, what the client is told.
    if (e instanceof DomainError) {
      if (e.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(e.retryAfterSeconds));
      if (e.alert) this.log.event('error', 'http', e.alert, { error: e.message });
      return { statusCode: e.status, error: STATUS_CODES[e.status] ?? 'Error', message: e.publicMessage };
    }
    const correlationId = randomUUID();
    const err = e as Error;
    // One stack per cause; the same bug hit by every request must not flood the log.
    const { cause, first, repeats } = this.causes.sight(e);
    if (first) this.log.event('error', 'http', 'unhandled error', { correlationId, cause, error: err?.message, stack: err?.stack });
    else if (repeats) this.log.event('error', 'http', 'unhandled error repeated', { correlationId, cause, repeats, error: err?.message });
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'Internal Server Error',
      message: `Something went wrong on our side (reference ${correlationId}, cause ${cause}).`,
      correlationId,
    };
  }
}
