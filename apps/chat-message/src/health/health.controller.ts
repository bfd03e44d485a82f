import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { RaftClient } from '../infra/raft-client.service';
import { RedisService } from '../infra/redis.service';
import { ConnectionRegistry } from '../delivery/connection-registry';
import { ProjectionService } from '../projection/projection.service';
import { ProjectionStatus } from '../projection/projection-status.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly ds: DataSource,
    private readonly redis: RedisService,
    private readonly raft: RaftClient,
    private readonly projection: ProjectionService,
    private readonly status: ProjectionStatus,
    private readonly connections: ConnectionRegistry,
  ) {}

  /** Healthy when PostgreSQL and Redis answer and a raft leader is known. */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      async () => {
        const i = this.indicator.check('postgres');
        try {
          await this.ds.query('SELECT 1');
          return i.up();
        } catch (e) {
          return i.down({ error: (e as Error).message });
        }
      },
      async () => {
        const i = this.indicator.check('redis');
        try {
          await this.redis.cmd.ping();
          return i.up();
        } catch (e) {
          return i.down({ error: (e as Error).message });
        }
      },
      async () => {
        const i = this.indicator.check('raft');
        if (this.raft.currentLeader() === null) await this.raft.discover();
        const leader = this.raft.currentLeader();
        return leader ? i.up({ leader }) : i.down({ error: 'no raft leader known' });
      },
      () =>
        this.indicator.check('chat').up({
          projector: this.projection.isProjector,
          projectedRevision: this.status.revision,
          connections: this.connections.count,
        }),
    ]);
  }
}
