import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { JsonErrorFilter } from './common/json-error.filter';
import { GatewayConfigError, validateGatewayEnv } from './config/gateway-config';

async function bootstrap(): Promise<void> {
  let env;
  try {
    env = validateGatewayEnv(process.env);
  } catch (e) {
    process.stderr.write(`${e instanceof GatewayConfigError ? e.message : String(e)}\n`);
    process.exit(2);
  }
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidUnknownValues: true }));
  app.useGlobalFilters(new JsonErrorFilter());
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('raft-ts admin gateway')
    .setDescription('Cluster status, membership changes (learners, joint consensus), leadership transfer, audit trail.')
    .addBearerAuth()
    .setVersion('1')
    .build();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, doc));
  await app.listen(env.PORT, env.HOST);
  app.get(Logger).log(`admin gateway on http://${env.HOST}:${env.PORT} (dashboard /, API /v1/cluster, docs /docs)`);
}

void bootstrap();
