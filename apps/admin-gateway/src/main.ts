import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { GatewayConfigError, validateGatewayEnv, type GatewayEnv } from './config/gateway-config';

async function bootstrap(): Promise<void> {
  let env: GatewayEnv;
  try {
    env = validateGatewayEnv(process.env);
  } catch (e) {
    // Fail before anything starts, naming every bad setting.
    process.stderr.write(`${e instanceof GatewayConfigError ? e.message : String(e)}\n`);
    process.exitCode = 2;
    return;
  }
  const app = await NestFactory.create(AppModule.register(process.env), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  configureApp(app);
  await app.listen(env.PORT, env.HOST);
  app.get(Logger).log(`admin gateway on http://${env.HOST}:${env.PORT} (dashboard /, API /v1/cluster, docs /docs)`);
}

void bootstrap();
