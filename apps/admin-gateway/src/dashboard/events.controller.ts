import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ClusterClientService } from '../cluster/cluster-client.service';
import type { OperationEntity } from '../operations/operation.entity';
import { OperationsService } from '../operations/operations.service';

/** Server-Sent Events for the dashboard: `cluster` snapshots every second, `operation` on every step. */
@ApiTags('dashboard')
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly cluster: ClusterClientService,
    private readonly ops: OperationsService,
  ) {}

  @Get()
  @ApiProduces('text/event-stream')
  stream(@Req() req: Request, @Res() res: Response): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const send = (event: string, data: unknown): void => {
      // A dashboard that cannot keep up skips snapshots instead of buffering them.
      if (res.writableLength < 1 << 20) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const onOp = (op: OperationEntity): void => send('operation', op);
    this.ops.events.on('operation', onOp);
    let busy = false;
    const tick = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        send('cluster', await this.cluster.view());
      } catch {
        // the next tick retries
      } finally {
        busy = false;
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), 1000);
    req.on('close', () => {
      clearInterval(timer);
      this.ops.events.off('operation', onOp);
    });
  }
}
