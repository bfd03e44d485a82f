import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { CompiledValidationPipe } from '@raft/nest-validation';
import { json } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { JsonExceptionFilter } from './common/http-exception.filter';
import { ConfigError, validateChatEnv, type ChatEnv } from './config/chat-config';

/** The ws adapter with this instance's frame size limit. */
class ChatWsAdapter extends WsAdapter {
  constructor(
    app: ConstructorParameters<typeof WsAdapter>[0],
    private readonly maxPayload: number,
  ) {
    super(app);
  }

  override create(port: number, options: Record<string, unknown> & { path?: string } = {}): ReturnType<WsAdapter['create']> {
    return super.create(port, { ...options, maxPayload: this.maxPayload });
  }
}

async function bootstrap(): Promise<void> {
  let env: ChatEnv;
  try {
    env = validateChatEnv(process.env);
  } catch (e) {
    // Fail before anything starts, naming every bad setting.
    process.stderr.write(`${e instanceof ConfigError ? e.message : String(e)}\n`);
    process.exitCode = 2;
    return;
  }
  const app = await NestFactory.create(AppModule, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  // Bodies are small: the largest legal message plus JSON overhead.
  app.use(json({ limit: env.MAX_BODY_BYTES * 6 + 16 * 1024 }));
  app.useGlobalPipes(new CompiledValidationPipe());
  app.useGlobalFilters(new JsonExceptionFilter());
  app.useWebSocketAdapter(new ChatWsAdapter(app, env.WS_MAX_PAYLOAD_BYTES));
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('chat-message API')
    .setDescription('Chat on raft: linearizable sends, push (WebSocket /v1/ws, SSE /v1/events) and pull (/v1/sync) delivery, write/read fan-out.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, doc));
  await app.listen(env.PORT, env.HOST);
  app.get(Logger).log(`chat service on http://${env.HOST}:${env.PORT} (web client /, docs /docs, ws /v1/ws)`);
}

void bootstrap();
