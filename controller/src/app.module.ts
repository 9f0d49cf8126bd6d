import { DynamicModule, Module, Provider, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AccessGuard } from './auth/access.guard';
import { AuthModule } from './auth/auth.module';
import { Clock } from './common/clock';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { JsonLogger } from './common/json-logger';
import { MetricsService } from './common/metrics.service';
import { RateLimitGuard } from './common/rate-limit.guard';
import { AppConfig } from './config/app-config';
import { PgSandboxConnector } from './database/pg-sandbox-connector';
import { SandboxConnector } from './database/sandbox-connector';
import { AdminController } from './fleet/admin.controller';
import { FleetService } from './fleet/fleet.service';
import { HealthController } from './fleet/health.controller';
import { ContainerRuntime } from './runtime/container-runtime';
import { DockerRuntime } from './runtime/docker-runtime';
import { SandboxController } from './sandbox/sandbox.controller';
import { SandboxService } from './sandbox/sandbox.service';
import { SessionManager } from './sandbox/session-manager';
import { StatementRunner } from './sandbox/statement-runner';

export interface AppModuleOptions {
  config: AppConfig;
  logger: JsonLogger;
  /** Tests swap in fakes here (a fake runtime, a controlled clock). */
  overrides?: Provider[];
}

@Module({})
export class AppModule {
  static register({ config, logger, overrides = [] }: AppModuleOptions): DynamicModule {
    const core: Provider[] = [
      { provide: AppConfig, useValue: config },
      { provide: JsonLogger, useValue: logger },
    ];
    const coreModule: DynamicModule = { module: CoreModule, global: true, providers: core, exports: [AppConfig, JsonLogger] };
    return {
      module: AppModule,
      imports: [coreModule, AuthModule],
      controllers: [SandboxController, AdminController, HealthController],
      providers: [
        { provide: APP_PIPE, useValue: new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }) },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: ContainerRuntime, useClass: DockerRuntime },
        { provide: SandboxConnector, useClass: PgSandboxConnector },
        Clock,
        MetricsService,
        FleetService,
        SessionManager,
        StatementRunner,
        SandboxService,
        ...overrides,
      ],
    };
  }
}

@Module({})
class CoreModule {}
