import { Module } from '@nestjs/common';
import { ClusterClientService } from './cluster-client.service';
import { ClusterController } from './cluster.controller';
import { ClusterWatcher } from './cluster-watcher.service';

/** Discovery of the leader and members, the cluster view, and the shared live poll. */
@Module({ providers: [ClusterClientService, ClusterWatcher], controllers: [ClusterController], exports: [ClusterClientService, ClusterWatcher] })
export class ClusterModule {}
