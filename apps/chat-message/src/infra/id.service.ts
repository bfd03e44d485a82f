import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AsyncSnowflakeGenerator, RedisWorkerIdLeaseStore, WorkerIdLeaseKeeper } from '@raft/ids';
import { RetryableHttpError } from '../common/errors';
import { RedisService } from './redis.service';

/**
 * Snowflake ids (message ids, conversation ids) from @raft/ids, with the worker id leased in
 * Redis so that two running instances never share one.
 */
@Injectable()
export class IdService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ids');
  private keeper: WorkerIdLeaseKeeper | null = null;
  private generator: AsyncSnowflakeGenerator | null = null;

  constructor(@Inject(RedisService) private readonly redis: RedisService) {}

  async onModuleInit(): Promise<void> {
    this.keeper = await WorkerIdLeaseKeeper.acquire({
      store: new RedisWorkerIdLeaseStore(this.redis.cmd, { keyPrefix: this.redis.key('ids') + ':' }),
      onLost: (e) => this.logger.error(`worker id lease lost: ${e.message}; ids (and sends) fail until restart`),
      onRenewalError: (e) => this.logger.warn(`worker id lease renewal failed: ${String(e)}`),
    });
    this.generator = new AsyncSnowflakeGenerator({ workerId: this.keeper.workerId, permit: this.keeper });
    this.logger.log(`snowflake worker id ${this.keeper.workerId}`);
  }

  get workerId(): number {
    return this.keeper?.workerId ?? -1;
  }

  async next(): Promise<string> {
    try {
      return await this.generator!.nextString();
    } catch (e) {
      throw new RetryableHttpError(503, `cannot issue ids: ${(e as Error).message}`, 1);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.keeper?.release().catch(() => undefined);
  }
}
