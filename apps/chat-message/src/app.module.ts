import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module';
import { ConversationsModule } from './conversations/conversations.module';
import { DatabaseModule } from './database/database';
import { DeliveryModule } from './delivery/delivery.module';
import { FanoutModule } from './fanout/fanout.module';
import { HealthController } from './health/health.controller';
import { CoreModule } from './infra/core.module';
import { MessagesModule } from './messages/messages.module';
import { MetricsModule } from './metrics/chat-metrics';
import { ProjectionModule } from './projection/projection.module';
import { WebController } from './web/web.controller';

@Module({
  imports: [
    CoreModule,
    LoggerModule.forRoot({
      pinoHttp: {
        level: process.env['LOG_LEVEL'] ?? 'info',
        autoLogging: false,
        base: { service: 'chat-message', instance: process.env['INSTANCE_ID'] || `${process.env['HOST'] ?? '127.0.0.1'}:${process.env['PORT'] ?? '8090'}` },
      },
    }),
    TerminusModule,
    MetricsModule,
    DatabaseModule,
    AuthModule,
    ConversationsModule,
    MessagesModule,
    FanoutModule,
    ProjectionModule,
    DeliveryModule,
  ],
  controllers: [HealthController, WebController],
})
export class AppModule {}
