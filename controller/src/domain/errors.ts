/**
 * Errors a client is meant to see, each carrying its own HTTP answer, so the exception filter
 * maps them without knowing the features that throw them. "Try again" states are 503 with
 * Retry-After; anything that is not a DomainError (or a Nest HttpException) is a 500.
 */
export interface DomainErrorAnswer {
  status: number;
  /** Seconds for the Retry-After header, where trying again later can help. */
  retryAfterSeconds?: number;
  /** What the client is told, when the message is for the log only. */
  publicMessage?: string;
  /** An error-level log line worth an operator's attention (the message goes with it). */
  alert?: string;
}

export abstract class DomainError extends Error {
  readonly status: number;
  readonly retryAfterSeconds?: number;
  readonly publicMessage: string;
  readonly alert?: string;

  protected constructor(message: string, answer: DomainErrorAnswer) {
    super(message);
    this.status = answer.status;
    this.retryAfterSeconds = answer.retryAfterSeconds;
    this.publicMessage = answer.publicMessage ?? message;
    this.alert = answer.alert;
  }
}

/** No room for another sandbox: 503 with Retry-After. */
export class CapacityError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('All sandboxes are in use right now and none is idle enough to make room. Try again in a minute.', {
      status: 503,
      retryAfterSeconds,
    });
  }
}

/** New sandboxes are paused by an operator. */
export class DrainingError extends DomainError {
  constructor() {
    super('New sandboxes are paused for maintenance (the fleet is draining). Try again in a few minutes.', {
      status: 503,
      retryAfterSeconds: 60,
    });
  }
}

/** The container engine cannot be reached; the message (for the log) says how it failed. */
export class RuntimeUnavailableError extends DomainError {
  constructor(message: string) {
    super(message, {
      status: 503,
      retryAfterSeconds: 10,
      alert: 'container engine unreachable',
      publicMessage:
        'Sandboxes are unavailable: the controller cannot reach its container engine (Docker). ' +
        'Try again in a moment; operators: check that dockerd is running.',
    });
  }
}

/** Reset to (or delete) a checkpoint the user does not have: 404. */
export class CheckpointNotFoundError extends DomainError {
  constructor(name: string) {
    super(`You have no checkpoint named "${name}".`, { status: 404 });
  }
}

/** A new checkpoint past SANDBOX_MAX_CHECKPOINTS: 409, nothing saved. */
export class CheckpointLimitError extends DomainError {
  constructor(max: number, names: string[]) {
    super(
      `You already have ${max} checkpoints (${names.join(', ')}), the most allowed. Delete one, or save under an existing name to replace it.`,
      { status: 409 },
    );
  }
}
