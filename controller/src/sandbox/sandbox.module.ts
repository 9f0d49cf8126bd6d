import { Module } from '@nestjs/common';
import { FleetModule } from '../fleet/fleet.module';
import { SavedDatabaseController } from './saved-database.controller';
import { SandboxController } from './sandbox.controller';
import { SandboxService } from './sandbox.service';
import { SessionManager } from './session-manager';
import { StatementRunner } from './statement-runner';

/** Users' SQL on their sandboxes: the exec/reset/status/cancel API, sessions, statements. */
@Module({
  imports: [FleetModule],
  controllers: [SandboxController, SavedDatabaseController],
  providers: [SessionManager, StatementRunner, SandboxService],
  exports: [SandboxService],
})
export class SandboxModule {}
