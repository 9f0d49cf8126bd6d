import { Global, Module } from '@nestjs/common';
import { ArchiveStore } from './archive-store';
import { FsArchiveStore } from './fs-archive-store';

/**
 * Where hibernation archives and checkpoints are kept: FsArchiveStore under SANDBOX_ARCHIVE_DIR,
 * which it creates (0700) at start, refusing to start when it cannot. Global, so hibernate, wake,
 * checkpoints and retention take ArchiveStore without importing one another. Needs AppConfig and Clock.
 */
@Global()
@Module({
  providers: [{ provide: ArchiveStore, useClass: FsArchiveStore }],
  exports: [ArchiveStore],
})
export class ArchiveModule {}
