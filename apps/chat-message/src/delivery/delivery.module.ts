import { Module } from '@nestjs/common';
import { FanoutModule } from '../fanout/fanout.module';
import { ProjectionModule } from '../projection/projection.module';
import { ConnectionRegistry } from './connection-registry';
import { DeliveryController } from './delivery.controller';
import { LocalHub } from './local-hub';
import { SessionFactory } from './session-factory';
import { ChatGateway } from './ws.gateway';

/** Push (WebSocket, SSE) and pull (sync with long-poll), shared across instances via the bus. */
@Module({
  imports: [FanoutModule, ProjectionModule],
  controllers: [DeliveryController],
  providers: [LocalHub, SessionFactory, ConnectionRegistry, ChatGateway],
  exports: [LocalHub, ConnectionRegistry],
})
export class DeliveryModule {}
