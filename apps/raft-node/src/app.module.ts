import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { validateNodeEnv } from './config/node-config';
import { AdminController } from './admin/admin.controller';
import { HealthController } from './health/health.controller';
import { KvController } from './kv/kv.controller';
import { MetricsModule } from './metrics/metrics.module';
import { KvCommandService } from './raft/kv-command.service';
import { RaftNodeService } from './raft/raft-node.service';
import { StatusController } from './status/status.controller';
import { StreamsController } from './streams/streams.controller';
import { WatchController } from './watch/watch.controller';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      validate: (raw) => ({ node: validateNodeEnv(raw) }),
    }),
    LoggerModule.forRoot({
      // Application logs only: per-request HTTP logging cost ~15% of a request's CPU and
      // the metrics already count requests by route and status.
      forRoutes: [],
      pinoHttp: {
        level: process.env['LOG_LEVEL'] ?? 'info',
        autoLogging: false,
        base: { node: process.env['NODE_ID'] },
      },
    }),
    TerminusModule,
    MetricsModule,
  ],
  controllers: [AdminController, KvController, StreamsController, WatchController, StatusController, HealthController],
  providers: [RaftNodeService, KvCommandService],
})
export class AppModule {}
