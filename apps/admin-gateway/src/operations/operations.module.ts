import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { ClusterModule } from '../cluster/cluster.module';
import { OperationEntity } from './operation.entity';
import { MembershipController, OperationsController } from './operations.controller';
import { OperationsService } from './operations.service';

/** Membership changes and leadership transfers as persisted, followed operations. */
@Module({
  imports: [TypeOrmModule.forFeature([OperationEntity]), ClusterModule, AuditModule, AuthModule],
  providers: [OperationsService],
  controllers: [MembershipController, OperationsController],
  exports: [OperationsService],
})
export class OperationsModule {}
