import { Module } from '@nestjs/common';
import { ProjectionModule } from '../projection/projection.module';
import { ConversationsController } from './conversations.controller';
import { ConversationsService } from './conversations.service';

@Module({ imports: [ProjectionModule], controllers: [ConversationsController], providers: [ConversationsService], exports: [ConversationsService] })
export class ConversationsModule {}
