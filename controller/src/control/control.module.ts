import { Inject, Injectable, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { JsonLogger } from '../common/json-logger';
import { AppConfig } from '../config/app-config';
import { ContainerRuntime } from '../runtime/container-runtime';
import { ControlStore } from './control-store';
import { controlDatabaseTarget } from './embedded-control-database';
import { PgControlStore } from './pg-control-store';

/**
 * The ControlStore, opened (migrations included) before anything that injects it is built: an
 * async factory, so the fleet's own start-up (recovery) can already read it. It sits among
 * AppModule's global core providers, where a test's override replaces it.
 */
export const controlStoreProvider: Provider = {
  provide: ControlStore,
  inject: [AppConfig, ContainerRuntime, JsonLogger],
  useFactory: async (config: AppConfig, runtime: ContainerRuntime, log: JsonLogger): Promise<ControlStore> => {
    const store = new PgControlStore({
      target: () => controlDatabaseTarget(config, runtime),
      log,
      readyTimeoutMs: Math.max(config.readyTimeoutMs, 30_000),
    });
    await store.init();
    log.event('info', 'control', 'control store open', {
      database: config.controlDatabaseUrl ? 'CONTROL_DATABASE_URL' : `embedded (${config.prefix}-control)`,
    });
    return store;
  },
};

/** Closes the control store in the last shutdown phase, after the fleet's own shutdown work. */
@Injectable()
class ControlStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(ControlStore) private readonly store: ControlStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Module({ providers: [ControlStoreCloser] })
export class ControlModule {}
