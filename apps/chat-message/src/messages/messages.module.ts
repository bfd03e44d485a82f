import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { ProjectionModule } from '../projection/projection.module';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { SendLimits } from './send-limits';

@Module({ imports: [ConversationsModule, ProjectionModule], controllers: [MessagesController], providers: [MessagesService, SendLimits], exports: [MessagesService] })
export class MessagesModule {}
