import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { ApiTags } from '@nestjs/swagger';
import { ClusterClientService } from '../cluster/cluster-client.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicator: HealthIndicatorService,
    private readonly cluster: ClusterClientService,
  ) {}

  /** Healthy when PostgreSQL answers and at least one node is reachable (details: leader, term). */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 1000 }),
      async () => {
        const i = this.indicator.check('cluster');
        const view = await this.cluster.view();
        const reachable = view.members.filter((m) => m.reachable).length;
        const details = { reachable, members: view.members.length, leaderId: view.leaderId, term: view.term };
        return reachable > 0 ? i.up(details) : i.down(details);
      },
    ]);
  }
}
