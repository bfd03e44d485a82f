import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { NodeMetrics } from './node-metrics';

@Global()
@Module({ providers: [NodeMetrics], controllers: [MetricsController], exports: [NodeMetrics] })
export class MetricsModule {}
