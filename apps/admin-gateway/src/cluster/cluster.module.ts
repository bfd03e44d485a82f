import { Global, Module } from '@nestjs/common';
import { ClusterClientService } from './cluster-client.service';
import { ClusterController } from './cluster.controller';

@Global()
@Module({ providers: [ClusterClientService], controllers: [ClusterController], exports: [ClusterClientService] })
export class ClusterModule {}
