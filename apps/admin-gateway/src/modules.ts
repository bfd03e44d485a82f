import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditController } from './audit/audit.controller';
import { AuditEntity } from './audit/audit.entity';
import { AuditService } from './audit/audit.service';
import { BearerTokenGuard } from './auth/bearer-token.guard';
import { DashboardController } from './dashboard/dashboard.controller';
import { EventsController } from './dashboard/events.controller';
import { HealthController } from './health/health.controller';
import { MetricsController } from './health/metrics.controller';
import { OperationEntity } from './operations/operation.entity';
import { OperationsController } from './operations/operations.controller';
import { OperationsService } from './operations/operations.service';

@Module({ imports: [TypeOrmModule.forFeature([AuditEntity])], providers: [AuditService], controllers: [AuditController], exports: [AuditService] })
export class AuditModule {}

@Module({
  imports: [TypeOrmModule.forFeature([OperationEntity]), AuditModule],
  providers: [OperationsService, BearerTokenGuard],
  controllers: [OperationsController],
  exports: [OperationsService],
})
export class OperationsModule {}

@Module({ imports: [OperationsModule], controllers: [DashboardController, EventsController] })
export class DashboardModule {}

@Module({ imports: [TerminusModule], controllers: [HealthController, MetricsController] })
export class HealthModule {}
