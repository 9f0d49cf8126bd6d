import { Inject, Injectable, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { JsonLogger } from '../common/json-logger';
import { AppConfig } from '../config/app-config';
import { ControlStore } from '../control/control-store';
import { controlDatabaseTarget } from '../control/embedded-control-database';
import { ContainerRuntime } from '../runtime/container-runtime';
import { NotebookStore } from './notebook-store';
import { NotebooksController } from './notebooks.controller';
import { NotebooksService } from './notebooks.service';
import { PgNotebookStore } from './pg-notebook-store';
import { SharedNotebooksController } from './shared-notebooks.controller';

/**
 * The NotebookStore in the control database. ControlStore is injected only to be opened first:
 * its init() ensures the embedded container and applies the migrations that make our tables.
 */
export const notebookStoreProvider: Provider = {
  provide: NotebookStore,
  inject: [AppConfig, ContainerRuntime, JsonLogger, ControlStore],
  useFactory: async (config: AppConfig, runtime: ContainerRuntime, log: JsonLogger): Promise<NotebookStore> => {
    const store = new PgNotebookStore({ target: () => controlDatabaseTarget(config, runtime), log });
    await store.init();
    return store;
  },
};

@Injectable()
class NotebookStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(NotebookStore) private readonly store: NotebookStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Saved and shared notebooks (issue 13): /api/notebooks and /api/shared. */
@Module({
  controllers: [NotebooksController, SharedNotebooksController],
  providers: [notebookStoreProvider, NotebookStoreCloser, NotebooksService],
})
export class NotebooksModule {}
