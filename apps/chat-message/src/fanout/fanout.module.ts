import { Module } from '@nestjs/common';
import { FeedService } from './feed.service';
import { InboxStore } from './inbox.store';

/** Write fan-out (per-user inboxes in Redis) and read fan-out (merge at read), and the feed built from both. */
@Module({ providers: [InboxStore, FeedService], exports: [InboxStore, FeedService] })
export class FanoutModule {}
