import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module';
import { OperationsModule } from '../operations/operations.module';
import { DashboardController } from './dashboard.controller';
import { EventsController } from './events.controller';

/** The live dashboard page (/) and its event stream (/v1/events). */
@Module({ imports: [ClusterModule, OperationsModule], controllers: [DashboardController, EventsController] })
export class DashboardModule {}
