import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditController } from './audit.controller';
import { AuditEntity } from './audit.entity';
import { AuditService } from './audit.service';

/** The append-only audit trail (who, what, when, outcome). */
@Module({ imports: [TypeOrmModule.forFeature([AuditEntity])], providers: [AuditService], controllers: [AuditController], exports: [AuditService] })
export class AuditModule {}
