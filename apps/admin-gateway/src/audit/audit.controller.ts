import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { AuditEntity } from './audit.entity';
import { AuditService } from './audit.service';

export class AuditQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be in [1, 1000]' })
  @Max(1000, { message: 'limit must be in [1, 1000]' })
  limit?: number;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'target must be a node id' })
  target?: string;
}

@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, newest first: who (actor), what (action, target, detail), when (at), outcome' })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'target', required: false, type: String })
  list(@Query() q: AuditQuery): Promise<AuditEntity[]> {
    return this.audit.list(q.limit ?? 100, q.target);
  }
}
