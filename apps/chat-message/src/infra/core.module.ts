import { Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { CHAT_ENV, validateChatEnv, type ChatEnv } from '../config/chat-config';
import { EventBus } from './event-bus';
import { IdService } from './id.service';
import { RaftClient } from './raft-client.service';
import { RedisService } from './redis.service';

/** Config, Redis, the raft client, ids and the instance bus: shared by every feature module. */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      validate: (raw) => ({ chat: validateChatEnv(raw) }),
    }),
  ],
  providers: [
    { provide: CHAT_ENV, inject: [ConfigService], useFactory: (cfg: ConfigService): ChatEnv => cfg.getOrThrow<ChatEnv>('chat') },
    RedisService,
    RaftClient,
    IdService,
    EventBus,
  ],
  exports: [CHAT_ENV, RedisService, RaftClient, IdService, EventBus],
})
export class CoreModule {}
