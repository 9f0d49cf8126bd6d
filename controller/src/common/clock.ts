import { Injectable } from '@nestjs/common';
import { SchedulerLike, asyncScheduler } from 'rxjs';

/** Time, injectable: tests of idle timeouts use a controlled clock and scheduler. */
@Injectable()
export class Clock {
  readonly scheduler: SchedulerLike = asyncScheduler;
  now(): number {
    return Date.now();
  }
}
