import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { CompiledValidationPipe } from '@raft/nest-validation';
import { JsonErrorFilter } from './common/json-error.filter';

/** Pipes, error shape and OpenAPI (/docs): shared by main.ts and the tests. */
export function configureApp(app: INestApplication): void {
  app.useGlobalPipes(new CompiledValidationPipe());
  app.useGlobalFilters(new JsonErrorFilter());
  const doc = new DocumentBuilder()
    .setTitle('raft-ts admin gateway')
    .setDescription('Cluster status, membership changes (learners, catch-up, joint consensus), leadership transfer, operations and the audit trail.')
    .addBearerAuth()
    .setVersion('1')
    .build();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, doc));
}
