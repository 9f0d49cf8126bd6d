/** One sandbox as operators see it (`GET /api/admin/sandboxes`, `sandboxctl ls`). */
export interface SandboxView {
  user: string | null;
  container: string;
  containerId: string;
  state: 'ready' | 'busy';
  source: string;
  /** When the user got this container (for an adopted one: when this controller adopted it). */
  createdAt: string;
  containerCreatedAt: string;
  lastUsedAt: string;
  idleMs: number;
  memoryBytes: number | null;
  cpuPercent: number | null;
  sessions: string[];
  image: string;
}
