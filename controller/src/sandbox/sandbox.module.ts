import { Module } from '@nestjs/common';
import { FleetModule } from '../fleet/fleet.module';
import { SavedDatabaseController } from './saved-database.controller';
import { SandboxController } from './sandbox.controller';
import { SandboxService } from './sandbox.service';
import { SessionActivityController } from './session-activity.controller';
import { SessionActivityService } from './session-activity.service';
import { SessionManager } from './session-manager';
import { StatementRunner } from './statement-runner';

/** Users' SQL on their sandboxes: the exec/reset/status/cancel/activity API, sessions, statements. */
@Module({
  imports: [FleetModule],
  controllers: [SandboxController, SavedDatabaseController, SessionActivityController],
  providers: [SessionManager, StatementRunner, SandboxService, SessionActivityService],
  exports: [SandboxService],
})
export class SandboxModule {}
