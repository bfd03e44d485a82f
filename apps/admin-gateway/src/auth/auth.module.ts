import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { BearerTokenGuard } from './bearer-token.guard';

/** Bearer-token authentication of mutating routes (refused attempts are audited). */
@Module({ imports: [AuditModule], providers: [BearerTokenGuard], exports: [BearerTokenGuard, AuditModule] })
export class AuthModule {}
