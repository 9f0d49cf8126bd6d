import type { PoolStatus } from './admin';

/** GET /healthz: 200 when Docker answers, the sandbox image is present and the control database answers, else 503 with the same body. */
export interface Health {
  status: 'ok' | 'unavailable';
  version: string;
  startedAt: string;
  docker: boolean;
  image: { ref: string; present: boolean };
  pool: PoolStatus;
  /** The control database (hibernated users, archives): `unreachable` makes the status `unavailable`. */
  control: 'ok' | 'unreachable';
}
