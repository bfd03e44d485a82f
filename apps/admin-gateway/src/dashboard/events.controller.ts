import { Controller, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { finalize, map, merge, type Observable } from 'rxjs';
import { ClusterWatcher } from '../cluster/cluster-watcher.service';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { OperationsService } from '../operations/operations.service';

/** Server-Sent Events for the dashboard. */
@ApiTags('dashboard')
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly watcher: ClusterWatcher,
    private readonly ops: OperationsService,
    private readonly metrics: GatewayMetrics,
  ) {}

  @Sse()
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: 'Live updates: `cluster` events (the GET /v1/cluster view, every second; every 200 ms during a change) and `operation` events (an operation, at each step)',
  })
  stream(): Observable<MessageEvent> {
    this.metrics.sseClients.inc();
    return merge(
      this.watcher.views().pipe(map((v): MessageEvent => ({ type: 'cluster', data: v }))),
      this.ops.changes.pipe(map((o): MessageEvent => ({ type: 'operation', data: o }))),
    ).pipe(finalize(() => this.metrics.sseClients.dec()));
  }
}
