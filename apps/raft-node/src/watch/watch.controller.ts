import { BadRequestException, Controller, Get, GoneException, Query, Req, Res } from '@nestjs/common';
import { ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { HistoryCompactedError, type ChangeEvent } from '@raft/raft-kv';
import { RaftNodeService } from '../raft/raft-node.service';

/** Events buffered for one slow SSE client before it is disconnected. */
const MAX_BUFFERED_EVENTS = 10_000;

@ApiTags('watch')
@Controller('v1/watch')
export class WatchController {
  constructor(private readonly node: RaftNodeService) {}

  /**
   * Server-Sent Events: one `change` event per change under `prefix`, in revision order,
   * starting after `fromRevision` (default: now). Compacted history answers 410.
   */
  @Get()
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'prefix', required: false })
  @ApiQuery({ name: 'fromRevision', required: false, type: Number })
  @ApiResponse({ status: 410, description: 'fromRevision is older than the retained history' })
  watch(@Query('prefix') prefix: string | undefined, @Query('fromRevision') from: string | undefined, @Req() req: Request, @Res() res: Response): void {
    if (from !== undefined && !/^\d+$/.test(from)) throw new BadRequestException('fromRevision must be a non-negative integer');
    const fromRevision = from === undefined ? this.node.kv.revision() : Number(from);
    const queue: ChangeEvent[] = [];
    let flushing = false;
    const write = (e: ChangeEvent): boolean => res.write(`id: ${e.revision}\nevent: change\ndata: ${JSON.stringify(e)}\n\n`);
    const flush = (): void => {
      flushing = false;
      while (queue.length > 0) {
        if (!write(queue.shift()!)) {
          flushing = true;
          res.once('drain', flush);
          return;
        }
      }
    };
    let unsubscribe: () => void = () => undefined;
    const onEvent = (e: ChangeEvent): void => {
      if (queue.length >= MAX_BUFFERED_EVENTS) {
        // Bounded buffering: a client that cannot keep up is cut off with a reason.
        res.write(`event: error\ndata: ${JSON.stringify({ error: 'client too slow; reconnect with fromRevision' })}\n\n`);
        unsubscribe();
        res.end();
        return;
      }
      queue.push(e);
      if (!flushing) flush();
    };
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Connection', 'keep-alive');
    try {
      unsubscribe = this.node.kv.watch.watch(prefix ?? '', fromRevision, onEvent);
    } catch (e) {
      if (e instanceof HistoryCompactedError) throw new GoneException(e.message);
      throw e;
    }
    res.flushHeaders();
    res.write(`: watching ${JSON.stringify(prefix ?? '')} from revision ${fromRevision}\n\n`);
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(keepalive);
      unsubscribe();
    });
  }
}
