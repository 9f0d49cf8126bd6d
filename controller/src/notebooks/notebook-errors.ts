// The notebooks API's refusals, each carrying its HTTP answer (see domain/errors.ts).
import { DomainError } from '../domain/errors';

/** Missing, or another user's: the same answer, so ids never reveal whose notebooks exist. */
export class NotebookNotFoundError extends DomainError {
  constructor(id: string) {
    super(`You have no notebook with id ${id}.`, { status: 404 });
  }
}

export class NotebookLimitError extends DomainError {
  constructor(max: number) {
    super(`You already have ${max} notebooks, the most allowed. Delete one you no longer need, then try again.`, { status: 409 });
  }
}

export class NotebookTooLargeError extends DomainError {
  constructor(bytes: number, max: number) {
    super(`This notebook is ${kib(bytes)} KiB; a notebook can hold at most ${kib(max)} KiB. Split it into two notebooks.`, {
      status: 413,
    });
  }
}

/** A write naming a version that is no longer the current one (edited elsewhere meanwhile). */
export class StaleNotebookError extends DomainError {
  constructor(
    readonly expected: number,
    readonly current: number,
  ) {
    super(
      `This notebook changed since you opened it (you edited version ${expected}, it is now at version ${current}), ` +
        'perhaps in another tab. Reload it, or write again with If-Match: ' +
        `${current} to replace that version.`,
      { status: 409 },
    );
  }
}

export class SharedNotebookNotFoundError extends DomainError {
  constructor() {
    super('No notebook is shared at this link: it was never shared, or its owner stopped sharing it or deleted it.', { status: 404 });
  }
}

export class ShareTooLargeError extends DomainError {
  constructor(bytes: number, max: number) {
    super(
      `The notebook with its results is ${kib(bytes)} KiB; a share holds at most ${kib(max)} KiB. Share it with fewer or smaller results.`,
      { status: 413 },
    );
  }
}

function kib(bytes: number): number {
  return Math.ceil(bytes / 1024);
}
