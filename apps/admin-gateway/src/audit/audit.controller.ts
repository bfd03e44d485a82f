import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuditEntity } from './audit.entity';
import { AuditService } from './audit.service';

@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** The latest audit entries (who, what, when, outcome), newest first. */
  @Get()
  list(): Promise<AuditEntity[]> {
    return this.audit.list();
  }
}
