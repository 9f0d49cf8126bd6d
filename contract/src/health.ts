import type { PoolStatus } from './admin';

/** GET /healthz: 200 when Docker answers and the sandbox image is present, else 503 with the same body. */
export interface Health {
  status: 'ok' | 'unavailable';
  version: string;
  startedAt: string;
  docker: boolean;
  image: { ref: string; present: boolean };
  pool: PoolStatus;
}
