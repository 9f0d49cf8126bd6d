import { Module } from '@nestjs/common';
import { FleetModule } from '../fleet/fleet.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

/** `/healthz` and `/metrics`. Needs AppConfig, ContainerRuntime and MetricsService from a global module. */
@Module({
  imports: [FleetModule],
  controllers: [HealthController],
  providers: [HealthService],
})
export class HealthModule {}
