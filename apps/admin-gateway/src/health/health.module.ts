import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ClusterModule } from '../cluster/cluster.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule, ClusterModule], controllers: [HealthController] })
export class HealthModule {}
