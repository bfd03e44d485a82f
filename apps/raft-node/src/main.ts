import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { CompiledValidationPipe } from '@raft/nest-validation';
import { Logger } from 'nestjs-pino';
import { JsonExceptionFilter } from './common/http-exception.filter';
import { shareAsyncResourceBindAccessor } from './common/shared-bind-accessor';
import { ConfigError, validateNodeEnv } from './config/node-config';
import { countHttpRequests } from './metrics/http-metrics';
import { NodeMetrics } from './metrics/node-metrics';

async function bootstrap(): Promise<void> {
  let env;
  try {
    env = validateNodeEnv(process.env);
  } catch (e) {
    // Fail before anything starts, naming every bad setting.
    process.stderr.write(`${e instanceof ConfigError ? e.message : String(e)}\n`);
    process.exitCode = 2;
    return;
  }
  // Before Fastify binds its first request callback (see the function for why).
  shareAsyncResourceBindAccessor();
  // Imported only now: the module validates the environment as it loads.
  const { AppModule } = await import('./app.module.js');
  // Fastify rather than Express: the HTTP framework is most of a request's CPU cost, and
  // Fastify's router, body parsing and serialisation are several times cheaper.
  const adapter = new FastifyAdapter({ bodyLimit: env.MAX_VALUE_BYTES * 2 + 64 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // Before listen(): that is when Nest registers the routes, and a hook added later would
  // not see them.
  countHttpRequests(app.getHttpAdapter().getInstance(), app.get(NodeMetrics).httpRequests);
  app.useGlobalPipes(new CompiledValidationPipe());
  app.useGlobalFilters(new JsonExceptionFilter());
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('raft-node client API')
    .setDescription('Linearizable KV on Raft: writes go through the log; reads choose their consistency.')
    .setVersion('1')
    .build();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, doc));
  await app.listen(env.HTTP_PORT, env.HOST);
  app.get(Logger).log(`client API on http://${env.HOST}:${env.HTTP_PORT} (docs at /docs)`);
}

void bootstrap();
