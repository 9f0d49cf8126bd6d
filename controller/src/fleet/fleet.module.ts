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
 * MetricsService, ContainerRuntime, SandboxConnector, ControlStore and ArchiveStore. Others use FleetService only.
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
