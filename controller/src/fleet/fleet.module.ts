import { Module } from '@nestjs/common';
import { Autosave } from './autosave';
import { BackgroundTasks } from './background-tasks';
import { ContainerStarter } from './container-starter';
import { CurrentImage } from './current-image';
import { DeathNotices } from './death-notices';
import { FleetService } from './fleet.service';
import { FleetStats } from './fleet-stats';
import { Hibernation } from './hibernation';
import { SandboxArchiver } from '../archive/sandbox-archiver';
import { ArchiveTools } from '../archive/archive-tools';
import { ExecArchiveTools } from '../archive/exec-archive-tools';
import { NetworkArchiveTools } from '../archive/network-archive-tools';
import { AppConfig } from '../config/app-config';
import { ContainerRuntime } from '../runtime/container-runtime';
import { SandboxAuthority } from '../tls/sandbox-authority';
import { UsageRecorder } from './usage-recorder';
import { ArchiveRetention, LiveSandboxes } from '../archive/retention';
import { FleetLiveSandboxes } from './fleet-live-sandboxes';
import { Provisioner } from './provisioner';
import { Reaper } from './reaper';
import { Recovery } from './recovery';
import { Retirement } from './retirement';
import { RuntimeEventListener } from './runtime-event-listener';
import { SandboxRegistry } from './sandbox-registry';
import { UserLock } from './user-lock';
import { WarmPool } from './warm-pool';

/**
 * The fleet of sandbox containers. Needs from a global module: AppConfig, JsonLogger, Clock,
 * MetricsService, ContainerRuntime, SandboxConnector, SandboxAuthority, ControlStore and ArchiveStore. Others use FleetService only.
 */
@Module({
  providers: [
    Autosave,
    BackgroundTasks,
    ContainerStarter,
    CurrentImage,
    DeathNotices,
    FleetService,
    FleetStats,
    Hibernation,
    Provisioner,
    SandboxArchiver,
    {
      // Inside the container where the engine can exec there (docker), beside the controller over TLS on a swarm.
      provide: ArchiveTools,
      useFactory: (c: AppConfig, runtime: ContainerRuntime, authority: SandboxAuthority) =>
        c.runtime === 'swarm' ? new NetworkArchiveTools(runtime, authority) : new ExecArchiveTools(runtime),
      inject: [AppConfig, ContainerRuntime, SandboxAuthority],
    },
    UsageRecorder,
    ArchiveRetention,
    { provide: LiveSandboxes, useClass: FleetLiveSandboxes },
    Reaper,
    Recovery,
    Retirement,
    RuntimeEventListener,
    SandboxRegistry,
    UserLock,
    WarmPool,
  ],
  exports: [FleetService],
})
export class FleetModule {}
