import { SandboxAuthority } from '../../src/tls/sandbox-authority';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Clock } from '../../src/common/clock';
import { JsonLogger } from '../../src/common/json-logger';
import { MetricsService } from '../../src/common/metrics.service';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { SandboxConnector } from '../../src/database/sandbox-connector';
import { BackgroundTasks } from '../../src/fleet/background-tasks';
import { FleetModule } from '../../src/fleet/fleet.module';
import { ContainerRuntime } from '../../src/runtime/container-runtime';
import { ArchiveStore } from '../../src/archive/archive-store';
import { ControlStore } from '../../src/control/control-store';
import { FakeArchiveStore } from './fake-archive-store';
import { FakeControlStore } from './fake-control-store';
import { FakeConnector, FakeRuntime, ManualClock } from './fakes';

const flush = () => new Promise((r) => setImmediate(r));

/** The environment fleet unit tests start from; each test adds its own. */
export const FLEET_TEST_ENV = {
  SANDBOX_PREFIX: 'p',
  SANDBOX_WARM_POOL: '2',
  SANDBOX_IDLE_TIMEOUT: '10m',
  SANDBOX_REAP_INTERVAL: '30s',
  SANDBOX_MAX_LIFETIME: '1h',
};

export interface FleetFixture {
  config: AppConfig;
  runtime: FakeRuntime;
  connector: SandboxConnector;
  clock: ManualClock;
  metrics: MetricsService;
  /** Any fleet part, wired as the app wires it. */
  get<T>(type: abstract new (...args: never[]) => T): T;
  /** Lets background work (removals, pool starts) run to the end. */
  settled(): Promise<void>;
}

/**
 * The real FleetModule over a fake engine, a fake Postgres connector and a manual clock. Lifecycle
 * hooks do not run by themselves: a test calls FleetService.onApplicationBootstrap when it wants one.
 */
export async function fleetFixture(
  env: Record<string, string> = {},
  opts: { runtime?: FakeRuntime; connector?: SandboxConnector } = {},
): Promise<FleetFixture> {
  const config = loadConfig({ ...FLEET_TEST_ENV, ...env });
  const runtime = opts.runtime ?? new FakeRuntime();
  const connector = opts.connector ?? new FakeConnector();
  const clock = new ManualClock();
  const metrics = new MetricsService();
  const control = new FakeControlStore();
  const archives = new FakeArchiveStore(clock);

  @Global()
  @Module({
    providers: [
      { provide: AppConfig, useValue: config },
      { provide: JsonLogger, useValue: new JsonLogger('error') },
      { provide: ContainerRuntime, useValue: runtime },
      { provide: SandboxConnector, useValue: connector },
      { provide: Clock, useValue: clock },
      { provide: MetricsService, useValue: metrics },
      { provide: ControlStore, useValue: control },
      { provide: ArchiveStore, useValue: archives },
      // Reads nothing until a swarm sandbox needs a certificate: never, with the docker-shaped fakes.
      SandboxAuthority,
    ],
    exports: [
      AppConfig,
      JsonLogger,
      ContainerRuntime,
      SandboxConnector,
      Clock,
      MetricsService,
      ControlStore,
      ArchiveStore,
      SandboxAuthority,
    ],
  })
  class FakeOutsideModule {}

  const module = await Test.createTestingModule({ imports: [FakeOutsideModule, FleetModule] }).compile();
  const get = <T>(type: abstract new (...args: never[]) => T): T => module.get(type as never, { strict: false });
  const background = get(BackgroundTasks);
  return {
    config,
    runtime,
    connector,
    clock,
    metrics,
    get,
    settled: async () => {
      for (let i = 0; i < 5; i++) {
        await flush();
        await background.settle();
      }
    },
  };
}
