import 'reflect-metadata';
import { Controller, Get, UseGuards } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { FixedWindow, RateLimit, RateLimitGuard, RateLimiterModule } from '../../src';
import { FakeClock } from '../support/fake-clock';

interface FastifyLikeRequest {
  headers: Record<string, string | string[] | undefined>;
}

const clock = new FakeClock(2_000_000);
const perUser = new FixedWindow({ limit: 1, windowMs: 10_000 }, { clock: clock.now });

@Controller('things')
@UseGuards(RateLimitGuard)
class ThingsController {
  @Get()
  @RateLimit<FastifyLikeRequest>({ limiter: 'perUser', key: (req) => String(req.headers['x-user'] ?? 'anonymous') })
  list(): { things: number[] } {
    return { things: [1] };
  }
}

describe('RateLimitGuard on Fastify', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RateLimiterModule.forRoot({ limiters: { perUser } })],
      controllers: [ThingsController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it('sets RateLimit-* on the reply, then answers 429 with Retry-After and the JSON body', async () => {
    clock.set(2_004_000); // 4 s into a 10 s window
    const fastify = app.getHttpAdapter().getInstance();
    const ok = await fastify.inject({ method: 'GET', url: '/things', headers: { 'x-user': 'ann' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ things: [1] });
    expect(ok.headers).toMatchObject({ 'ratelimit-limit': '1', 'ratelimit-remaining': '0', 'ratelimit-reset': '6' });

    clock.advance(1500);
    const denied = await fastify.inject({ method: 'GET', url: '/things', headers: { 'x-user': 'ann' } });
    expect(denied.statusCode).toBe(429);
    expect(denied.json()).toEqual({ error: 'rate limited', retryAfterMs: 4500 });
    expect(denied.headers).toMatchObject({ 'retry-after': '5', 'ratelimit-limit': '1', 'ratelimit-remaining': '0', 'ratelimit-reset': '5' });

    const other = await fastify.inject({ method: 'GET', url: '/things', headers: { 'x-user': 'bob' } });
    expect(other.statusCode).toBe(200);
  });
});
