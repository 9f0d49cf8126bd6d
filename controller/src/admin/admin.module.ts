import { Module } from '@nestjs/common';
import { FleetModule } from '../fleet/fleet.module';
import { SandboxModule } from '../sandbox/sandbox.module';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';
import { ContainerStatsCache } from './container-stats-cache';
import { HibernationAdminController } from './hibernation-admin.controller';
import { HibernationAdminService } from './hibernation-admin.service';

/** The operators' API (sandboxctl): views over the fleet, the sandboxes' sessions and the saved databases. */
@Module({
  imports: [FleetModule, SandboxModule],
  controllers: [AdminController, HibernationAdminController],
  providers: [AdminService, ContainerStatsCache, HibernationAdminService],
})
export class AdminModule {}
