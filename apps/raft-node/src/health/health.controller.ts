import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { ApiTags } from '@nestjs/swagger';
import { RaftNodeService } from '../raft/raft-node.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly node: RaftNodeService,
  ) {}

  /** Healthy when storage works and a leader is known. */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => {
        const s = this.node.status();
        const i = this.indicator.check('raft');
        const details = { role: s.role, term: s.term, leaderId: s.leaderId, commit: s.commit };
        return s.failed || s.leaderId === null ? i.down(details) : i.up(details);
      },
    ]);
  }
}
