import { BadRequestException, Controller, Get, GoneException, Query, Req, Res } from '@nestjs/common';
import { ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RemovedFromClusterError } from '@raft/raft-core';
import { HistoryCompactedError, type ChangeEvent } from '@raft/raft-kv';
import { RaftNodeService } from '../raft/raft-node.service';

/** Events buffered for one slow SSE client before it is disconnected. */
const MAX_BUFFERED_EVENTS = 10_000;
/** How often an open stream checks whether this node was removed from the cluster. */
const REMOVAL_CHECK_MS = 1000;
const KEEPALIVE_EVERY_CHECKS = 15;

@ApiTags('watch')
@Controller('v1/watch')
export class WatchController {
  constructor(private readonly node: RaftNodeService) {}

  /**
   * Server-Sent Events: one `change` event per change under `prefix`, in revision order,
   * starting after `fromRevision` (default: now). Compacted history answers 410. A node
   * removed from the cluster has no more changes to send: it answers 410 with `removedAt`,
   * and ends open streams with an `error` event once it learns of its removal.
   */
  @Get()
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'prefix', required: false })
  @ApiQuery({ name: 'fromRevision', required: false, type: Number })
  @ApiResponse({ status: 410, description: 'fromRevision is older than the retained history, or (with `removedAt`) this node was removed from the cluster' })
  watch(
    @Query('prefix') prefix: string | undefined,
    @Query('fromRevision') from: string | undefined,
    @Req() request: { raw: IncomingMessage },
    @Res() reply: { raw: ServerResponse; hijack(): void },
  ): void {
    if (from !== undefined && !/^\d+$/.test(from)) throw new BadRequestException('fromRevision must be a non-negative integer');
    const removedAt = this.node.removedAt();
    if (removedAt !== null) throw new RemovedFromClusterError(removedAt);
    // SSE is written on the raw Node response: the framework must not also answer.
    const req = request.raw;
    const res = reply.raw;
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
    // History replays synchronously inside watch(); hold it until the headers are out.
    let started = false;
    const onEvent = (e: ChangeEvent): void => {
      if (started && queue.length >= MAX_BUFFERED_EVENTS) {
        // Bounded buffering: a client that cannot keep up is cut off with a reason.
        res.write(`event: error\ndata: ${JSON.stringify({ error: 'client too slow; reconnect with fromRevision' })}\n\n`);
        unsubscribe();
        res.end();
        return;
      }
      queue.push(e);
      if (started && !flushing) flush();
    };
    try {
      unsubscribe = this.node.kv.watch.watch(prefix ?? '', fromRevision, onEvent);
    } catch (e) {
      if (e instanceof HistoryCompactedError) throw new GoneException(e.message);
      throw e;
    }
    reply.hijack();
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    started = true;
    res.write(`: watching ${JSON.stringify(prefix ?? '')} from revision ${fromRevision}\n\n`);
    flush();
    let checks = 0;
    const timer = setInterval(() => {
      const removed = this.node.removedAt();
      if (removed !== null) {
        // Its history stops here for good; the client must continue on a member.
        res.write(`event: error\ndata: ${JSON.stringify({ error: new RemovedFromClusterError(removed).message, removedAt: removed })}\n\n`);
        clearInterval(timer);
        unsubscribe();
        res.end();
      } else if (++checks % KEEPALIVE_EVERY_CHECKS === 0) {
        res.write(': keepalive\n\n');
      }
    }, REMOVAL_CHECK_MS);
    req.on('close', () => {
      clearInterval(timer);
      unsubscribe();
    });
  }
}
