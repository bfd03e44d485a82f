import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { actorOf, BearerTokenGuard } from '../auth/bearer-token.guard';
import type { OperationEntity } from './operation.entity';
import { AddMemberDto, OperationAccepted, TransferLeaderDto } from './operations.dto';
import { OperationsService } from './operations.service';

type Headers_ = Record<string, string | string[] | undefined>;

/** Derives a node's HTTP address from its peer address with the cluster CLI's scheme (peer = http + 100). */
function defaultHttpAddress(peer: string): string {
  const i = peer.lastIndexOf(':');
  return `${peer.slice(0, i)}:${Number(peer.slice(i + 1)) - 100}`;
}

@ApiTags('membership')
@ApiResponse({ status: 400, description: 'Bad input: unknown node, bad address, removing the last voter' })
@ApiResponse({ status: 401, description: 'No bearer token' })
@ApiResponse({ status: 403, description: 'Wrong bearer token' })
@ApiResponse({ status: 409, description: 'Another change is running' })
@ApiResponse({ status: 503, description: 'The cluster has no quorum' })
@Controller('v1')
export class OperationsController {
  constructor(private readonly ops: OperationsService) {}

  @Post('cluster/members')
  @HttpCode(202)
  @UseGuards(BearerTokenGuard)
  @ApiBearerAuth()
  @ApiResponse({ status: 202, type: OperationAccepted })
  async add(@Body() body: AddMemberDto, @Headers() headers: Headers_): Promise<OperationAccepted> {
    const op = await this.ops.addMember(body.id, body.address, body.httpAddress ?? defaultHttpAddress(body.address), body.role, actorOf(headers));
    return { operationId: op.id };
  }

  @Delete('cluster/members/:id')
  @HttpCode(202)
  @UseGuards(BearerTokenGuard)
  @ApiBearerAuth()
  @ApiResponse({ status: 202, type: OperationAccepted })
  async remove(@Param('id') id: string, @Headers() headers: Headers_): Promise<OperationAccepted> {
    const op = await this.ops.removeMember(id, actorOf(headers));
    return { operationId: op.id };
  }

  @Post('cluster/leader')
  @HttpCode(202)
  @UseGuards(BearerTokenGuard)
  @ApiBearerAuth()
  @ApiResponse({ status: 202, type: OperationAccepted })
  async transfer(@Body() body: TransferLeaderDto, @Headers() headers: Headers_): Promise<OperationAccepted> {
    const op = await this.ops.transferLeader(body.to, actorOf(headers));
    return { operationId: op.id };
  }

  @Get('operations')
  list(): Promise<OperationEntity[]> {
    return this.ops.list();
  }

  @Get('operations/:id')
  get(@Param('id') id: string): Promise<OperationEntity> {
    return this.ops.get(id);
  }
}
