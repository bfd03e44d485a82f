import { Module } from '@nestjs/common';
import { FanoutModule } from '../fanout/fanout.module';
import { ProjectionService } from './projection.service';
import { ProjectionStatus } from './projection-status.service';

/** Raft watch → per-conversation actors → PostgreSQL + fan-out + push; and the projection's progress for session reads. */
@Module({ imports: [FanoutModule], providers: [ProjectionService, ProjectionStatus], exports: [ProjectionService, ProjectionStatus] })
export class ProjectionModule {}
