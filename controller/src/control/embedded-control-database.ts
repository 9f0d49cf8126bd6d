import { AppConfig } from '../config/app-config';
import { ContainerRuntime, ControlDatabaseSpec } from '../runtime/container-runtime';
import type { ControlDatabaseTarget } from './pg-control-store';

/**
 * The embedded control database (CONTROL_DATABASE_URL empty): a container of the sandbox image
 * named `<prefix>-control`, its data on the named volume `<prefix>-control`. It carries
 * `pgsbx.control`, never `pgsbx.prefix`, so the fleet (recovery, reaper, `sandboxctl ls`, socket
 * pruning) does not see it. Only the controller reaches it: no network, a Unix socket in a 0700
 * volume, peer authentication mapping root to `sandbox`, the owner of database `sandbox`.
 */
export function controlDatabaseSpec(config: AppConfig): ControlDatabaseSpec {
  return {
    name: `${config.prefix}-control`,
    image: config.image,
    labels: { 'pgsbx.control': config.prefix },
    // The image is tuned for throwaway sandboxes (fsync off); this data must survive a crash.
    args: [
      ...['-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'full_page_writes=on'],
      ...['-c', 'max_connections=50', '-c', 'session_preload_libraries='],
    ],
    // The template databases are copied into the volume, not linked into the image: the volume
    // then outlives image rebuilds and a backup of it is the whole cluster (images/postgres/entrypoint.sh).
    env: { PGSBX_COPY_TEMPLATES: '1' },
    memoryBytes: 256 * 1024 * 1024,
  };
}

/** Starts (or creates) the embedded control container and says how to reach it. */
export async function embeddedControlTarget(runtime: ContainerRuntime, config: AppConfig): Promise<ControlDatabaseTarget> {
  const { socketDir } = await runtime.ensureControlDatabase(controlDatabaseSpec(config));
  return { host: socketDir, user: 'sandbox', database: 'sandbox' };
}

/** CONTROL_DATABASE_URL when set, else the embedded container (ensured running). */
export function controlDatabaseTarget(config: AppConfig, runtime: ContainerRuntime): Promise<ControlDatabaseTarget> {
  return config.controlDatabaseUrl
    ? Promise.resolve({ connectionString: config.controlDatabaseUrl })
    : embeddedControlTarget(runtime, config);
}
