import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { JsonExceptionFilter } from './common/http-exception.filter';
import { jsonBody } from './common/json-body';
import { ConfigError, validateNodeEnv } from './config/node-config';

async function bootstrap(): Promise<void> {
  let env;
  try {
    env = validateNodeEnv(process.env);
  } catch (e) {
    // Fail before anything starts, naming every bad setting.
    process.stderr.write(`${e instanceof ConfigError ? e.message : String(e)}\n`);
    process.exit(2);
  }
  const app = await NestFactory.create(AppModule, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  // No ETags (responses are never cached) and no X-Powered-By: both cost CPU per request.
  const express = app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void };
  express.set('etag', false);
  express.set('x-powered-by', false);
  app.use(jsonBody(env.MAX_VALUE_BYTES * 2 + 64 * 1024));
  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true, forbidUnknownValues: true }));
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
