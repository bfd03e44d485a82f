import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { KvResult } from '@raft/raft-kv';
import { KvCommandService } from '../raft/kv-command.service';
import { RaftNodeService } from '../raft/raft-node.service';
import { ConflictResultError } from '../common/errors';
import { checkKey, checkValue } from './kv-limits';
import {
  CasDto,
  CasResponse,
  ClientIdsDto,
  DeleteResponse,
  ErrorResponse,
  GetResponse,
  IncrDto,
  IncrResponse,
  PutDto,
  PutResponse,
  ReadQueryDto,
} from './kv.dto';

/** Narrows a command result to the expected kind, turning refusals into HTTP errors. */
function narrow<K extends KvResult['op']>(r: KvResult, op: K): Extract<KvResult, { op: K }> {
  if (r.op === 'rejected') throw new ConflictResultError(r.error);
  if (r.op === 'expired') throw new ConflictResultError('client session expired; retry with a new clientId');
  if (r.op !== op) throw new ConflictResultError(`request id was already used for a ${r.op} command`);
  return r as Extract<KvResult, { op: K }>;
}

@ApiTags('kv')
@ApiResponse({ status: 400, type: ErrorResponse, description: 'Bad JSON, types or key' })
@ApiResponse({ status: 503, type: ErrorResponse, description: 'No leader (see Retry-After)' })
@Controller('v1/kv')
export class KvController {
  constructor(
    private readonly commands: KvCommandService,
    private readonly node: RaftNodeService,
  ) {}

  @Put(':key')
  @HttpCode(200)
  @ApiOkResponse({ type: PutResponse })
  @ApiResponse({ status: 413, type: ErrorResponse })
  @ApiResponse({ status: 504, type: ErrorResponse, description: 'Outcome unknown; retry with the same ids' })
  async put(@Param('key') key: string, @Body() body: PutDto): Promise<PutResponse> {
    checkKey(key);
    checkValue(body.value, this.node.settings.MAX_VALUE_BYTES);
    const r = narrow(await this.commands.execute({ op: 'put', key, value: body.value }, body), 'put');
    return r.prev === undefined ? { revision: r.revision } : { revision: r.revision, prev: r.prev };
  }

  @Get(':key')
  @ApiOkResponse({ type: GetResponse })
  @ApiResponse({ status: 404, type: ErrorResponse })
  async get(@Param('key') key: string, @Query() q: ReadQueryDto): Promise<GetResponse> {
    checkKey(key);
    await this.node.readBarrier(q.consistency ?? 'linearizable');
    const kv = this.node.kv.get(key);
    if (!kv) throw new NotFoundException(`key ${key} not found`);
    return { value: kv.value, revision: kv.modRevision };
  }

  @Delete(':key')
  @ApiOkResponse({ type: DeleteResponse })
  async remove(@Param('key') key: string, @Query() ids: ClientIdsDto): Promise<DeleteResponse> {
    checkKey(key);
    const r = narrow(await this.commands.execute({ op: 'del', key }, ids), 'del');
    return { revision: r.revision, deleted: r.deleted };
  }

  @Post(':key/cas')
  @HttpCode(200)
  @ApiOkResponse({ type: CasResponse })
  async cas(@Param('key') key: string, @Body() body: CasDto): Promise<CasResponse> {
    checkKey(key);
    checkValue(body.value, this.node.settings.MAX_VALUE_BYTES);
    if (body.expect !== null) checkValue(body.expect, this.node.settings.MAX_VALUE_BYTES);
    const r = narrow(await this.commands.execute({ op: 'cas', key, expect: body.expect, value: body.value }, body), 'cas');
    return r.current === undefined ? { succeeded: r.succeeded, revision: r.revision } : { succeeded: r.succeeded, revision: r.revision, current: r.current };
  }

  @Post(':key/incr')
  @HttpCode(200)
  @ApiOkResponse({ type: IncrResponse })
  @ApiResponse({ status: 409, type: ErrorResponse, description: 'The current value is not an integer' })
  async incr(@Param('key') key: string, @Body() body: IncrDto): Promise<IncrResponse> {
    checkKey(key);
    const r = narrow(await this.commands.execute({ op: 'incr', key, delta: body.delta }, body), 'incr');
    return { value: r.value, revision: r.revision };
  }
}
