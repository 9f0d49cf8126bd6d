import { Module } from '@nestjs/common';
import { FleetModule } from '../fleet/fleet.module';
import { SandboxModule } from '../sandbox/sandbox.module';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';
import { ContainerStatsCache } from './container-stats-cache';

/** The operators' API (sandboxctl): views over the fleet and the sandboxes' sessions. */
@Module({
  imports: [FleetModule, SandboxModule],
  controllers: [AdminController],
  providers: [AdminService, ContainerStatsCache],
})
export class AdminModule {}
