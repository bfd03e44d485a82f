import 'reflect-metadata';
import { Controller, Get, INestApplication, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import request from 'supertest';
import { createLimiterRedis, FixedWindow, RateLimit, RateLimitGuard, RateLimiterModule, RedisTokenBucket, TokenBucket } from '../../src';
import { FakeClock } from '../support/fake-clock';
import { closedPort } from '../support/redis';

const clock = new FakeClock(1_000_000);
const perUser = new FixedWindow({ limit: 2, windowMs: 60_000 }, { clock: clock.now });
const byCost = new TokenBucket({ capacity: 10, refillTokens: 1, refillIntervalMs: 1000 }, { clock: clock.now });
const userOf = (req: Request) => String(req.headers['x-user'] ?? 'anonymous');

@Controller('items')
@UseGuards(RateLimitGuard)
@RateLimit({ limiter: 'perUser', key: userOf })
class ItemsController {
  @Get()
  list(): { items: string[] } {
    return { items: ['a'] };
  }

  @Get('export')
  @RateLimit({ limiter: 'byCost', key: userOf, n: (req: Request) => Number(req.query['size'] ?? 1) })
  exportItems(): { ok: true } {
    return { ok: true };
  }
}

@Controller('open')
@UseGuards(RateLimitGuard)
class OpenController {
  @Get()
  hello(): string {
    return 'hi';
  }
}

describe('RateLimitGuard end to end (Nest + supertest)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RateLimiterModule.forRoot({ limiters: { perUser, byCost } })],
      controllers: [ItemsController, OpenController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  it('admits up to the limit with RateLimit-* headers, then answers 429 with Retry-After and a JSON body', async () => {
    clock.set(1_040_000); // 20 s into a minute: 40 s until the window resets
    const first = await request(app.getHttpServer()).get('/items').set('x-user', 'ann').expect(200, { items: ['a'] });
    expect(first.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '1', 'ratelimit-reset': '40' });
    await request(app.getHttpServer()).get('/items').set('x-user', 'ann').expect(200);
    clock.advance(500);
    const denied = await request(app.getHttpServer()).get('/items').set('x-user', 'ann').expect(429);
    expect(denied.body).toEqual({ error: 'rate limited', retryAfterMs: 39_500 });
    expect(denied.headers).toMatchObject({ 'retry-after': '40', 'ratelimit-limit': '2', 'ratelimit-remaining': '0', 'ratelimit-reset': '40' });
    // Another user has their own window.
    await request(app.getHttpServer()).get('/items').set('x-user', 'bob').expect(200);
    clock.set(1_080_000);
    await request(app.getHttpServer()).get('/items').set('x-user', 'ann').expect(200);
  });

  it('a handler-level @RateLimit overrides the controller one, with a per-request cost', async () => {
    const ok = await request(app.getHttpServer()).get('/items/export?size=7').set('x-user', 'cat').expect(200, { ok: true });
    expect(ok.headers).toMatchObject({ 'ratelimit-limit': '10', 'ratelimit-remaining': '3', 'ratelimit-reset': '7' });
    const denied = await request(app.getHttpServer()).get('/items/export?size=5').set('x-user', 'cat').expect(429);
    expect(denied.body).toEqual({ error: 'rate limited', retryAfterMs: 2000 });
    expect(denied.headers['retry-after']).toBe('2');
  });

  it('leaves routes without @RateLimit alone', async () => {
    const res = await request(app.getHttpServer()).get('/open').expect(200, 'hi');
    expect(res.headers['ratelimit-limit']).toBeUndefined();
  });
});

describe('RateLimitGuard with Redis down', () => {
  it('fail-closed answers 503 (not the client’s fault); fail-open lets the request through', async () => {
    const down = createLimiterRedis({ port: await closedPort(), retryStrategy: () => null });
    down.on('error', () => undefined);
    await new Promise((resolve) => down.once('end', resolve));
    const config = { capacity: 5, refillTokens: 1, refillIntervalMs: 1000 };
    const moduleRef = await Test.createTestingModule({
      imports: [
        RateLimiterModule.forRoot({
          limiters: {
            closed: new RedisTokenBucket(config, { redis: down, failClosedRetryAfterMs: 3000 }),
            open: new RedisTokenBucket(config, { redis: down, failurePolicy: 'fail-open' }),
          },
          applyGlobally: true,
        }),
      ],
      controllers: [DegradedController],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const closed = await request(app.getHttpServer()).get('/degraded/closed').expect(503);
      expect(closed.body).toEqual({ error: 'rate limiter unavailable', retryAfterMs: 3000 });
      expect(closed.headers['retry-after']).toBe('3');
      await request(app.getHttpServer()).get('/degraded/open').expect(200, 'served');
    } finally {
      await app.close();
    }
  });
});

@Controller('degraded')
class DegradedController {
  @Get('closed')
  @RateLimit({ limiter: 'closed', key: () => 'k' })
  closed(): string {
    return 'served';
  }

  @Get('open')
  @RateLimit({ limiter: 'open', key: () => 'k' })
  open(): string {
    return 'served';
  }
}
