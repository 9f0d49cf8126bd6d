import { DynamicModule, Module, Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AdminModule } from './admin/admin.module';
import { ArchiveModule } from './archive/archive.module';
import { AccessGuard } from './auth/access.guard';
import { AuthModule } from './auth/auth.module';
import { Clock } from './common/clock';
import { HttpExceptionFilter } from './http/http-exception.filter';
import { JsonLogger } from './common/json-logger';
import { MetricsService } from './common/metrics.service';
import { QuickValidationPipe } from './http/quick-validation.pipe';
import { RateLimitGuard } from './http/rate-limit.guard';
import { AppConfig } from './config/app-config';
import { ControlModule, controlStoreProvider } from './control/control.module';
import { ControlStore } from './control/control-store';
import { PgSandboxConnector } from './database/pg-sandbox-connector';
import { SandboxConnector } from './database/sandbox-connector';
import { FleetModule } from './fleet/fleet.module';
import { HealthModule } from './health/health.module';
import { NotebooksModule } from './notebooks/notebooks.module';
import { OpenApiModule } from './openapi/openapi.module';
import { ExecRequestDto, isPlainExecRequest } from './sandbox/exec-request.dto';
import { SandboxModule } from './sandbox/sandbox.module';
import { ContainerRuntime } from './runtime/container-runtime';
import { DockerRuntime } from './runtime/docker-runtime';
import { SandboxAuthority } from './tls/sandbox-authority';
import { SwarmRuntime } from './runtime/swarm-runtime';

export interface AppModuleOptions {
  config: AppConfig;
  logger: JsonLogger;
  /** Tests swap in fakes here (a fake runtime, a controlled clock): these are seen by every module. */
  overrides?: Provider[];
}

@Module({})
export class AppModule {
  static register({ config, logger, overrides = [] }: AppModuleOptions): DynamicModule {
    // Configuration, logging, time, metrics and the adapters to the outside (engine, Postgres,
    // the control store):
    // global, so each feature module takes them without importing one another's.
    const core: Provider[] = [
      { provide: AppConfig, useValue: config },
      { provide: JsonLogger, useValue: logger },
      {
        provide: ContainerRuntime,
        useFactory: (c: AppConfig, log: JsonLogger, authority: SandboxAuthority) =>
          c.runtime === 'swarm' ? new SwarmRuntime(c, log, authority) : new DockerRuntime(c, log),
        inject: [AppConfig, JsonLogger, SandboxAuthority],
      },
      SandboxAuthority,
      { provide: SandboxConnector, useClass: PgSandboxConnector },
      controlStoreProvider,
      Clock,
      MetricsService,
      ...overrides,
    ];
    const coreModule: DynamicModule = {
      module: CoreModule,
      global: true,
      providers: core,
      exports: [AppConfig, JsonLogger, ContainerRuntime, SandboxConnector, SandboxAuthority, ControlStore, Clock, MetricsService],
    };
    return {
      module: AppModule,
      imports: [
        coreModule,
        ControlModule,
        ArchiveModule,
        AuthModule,
        FleetModule,
        SandboxModule,
        AdminModule,
        HealthModule,
        NotebooksModule,
        OpenApiModule,
      ],
      providers: [
        {
          provide: APP_PIPE,
          useValue: new QuickValidationPipe(
            { transform: true, whitelist: true, forbidNonWhitelisted: true },
            new Map([[ExecRequestDto, isPlainExecRequest]]),
          ),
        },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }
}

@Module({})
class CoreModule {}
