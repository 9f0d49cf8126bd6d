import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { CapacityError, DrainingError } from '../fleet/fleet.service';
import { RuntimeUnavailableError } from '../runtime/container-runtime';
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
      return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: String(message ?? e.message) };
    }
    if (e instanceof CapacityError || e instanceof DrainingError) {
      res.setHeader('Retry-After', String(e instanceof CapacityError ? e.retryAfterSeconds : 60));
      return { statusCode: 503, error: 'Service Unavailable', message: e.message };
    }
    if (e instanceof RuntimeUnavailableError) {
      res.setHeader('Retry-After', '10');
      this.log.event('error', 'http', 'container engine unreachable', { error: e.message });
      return {
        statusCode: 503,
        error: 'Service Unavailable',
        message:
          'Sandboxes are unavailable: the controller cannot reach its container engine (Docker). ' +
          'Try again in a moment; operators: check that dockerd is running.',
      };
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
