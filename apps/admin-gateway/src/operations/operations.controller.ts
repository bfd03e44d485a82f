import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor.decorator';
import { BearerTokenGuard } from '../auth/bearer-token.guard';
import type { OperationEntity } from './operation.entity';
import { AddMemberDto, defaultHttpAddress, ListOperationsQuery, NodeIdParam, OperationAccepted, OperationView, TransferLeaderDto } from './operations.dto';
import { OperationsService } from './operations.service';

const MutationResponses = (): ClassDecorator =>
  applyDecorators(
  ApiResponse({ status: 400, description: 'Bad input: unknown node, bad address, removing the last voter, …' }),
  ApiResponse({ status: 401, description: 'No bearer token' }),
  ApiResponse({ status: 403, description: 'Wrong bearer token' }),
  ApiResponse({ status: 409, description: 'Another operation runs (here or in the cluster)' }),
  ApiResponse({ status: 503, description: 'The cluster has no leader (no quorum)' }),
  ApiHeader({ name: 'X-Actor', required: false, description: 'Who acts, for the audit log (qualified by the token’s name)' }),
  ApiBearerAuth(),
  );

/** Membership and leadership changes (mutating: bearer token required). */
@ApiTags('membership')
@Controller('v1/cluster')
@UseGuards(BearerTokenGuard)
@MutationResponses()
export class MembershipController {
  constructor(private readonly ops: OperationsService) {}

  @Post('members')
  @HttpCode(202)
  @ApiOperation({ summary: 'Add a node as a learner, or as a voter (learner → caught up → joint → new configuration); also promotes a learner' })
  @ApiResponse({ status: 202, type: OperationAccepted })
  async add(@Body() body: AddMemberDto, @Actor() actor: string): Promise<OperationAccepted> {
    const op = await this.ops.addMember(body.id, body.address, body.httpAddress ?? defaultHttpAddress(body.address), body.role, actor);
    return { operationId: op.id };
  }

  @Delete('members/:id')
  @HttpCode(202)
  @ApiOperation({ summary: 'Remove a voter or learner (the leader included: it steps down once the new configuration commits)' })
  @ApiResponse({ status: 202, type: OperationAccepted })
  async remove(@Param() p: NodeIdParam, @Actor() actor: string): Promise<OperationAccepted> {
    const op = await this.ops.removeMember(p.id, actor);
    return { operationId: op.id };
  }

  @Post('leader')
  @HttpCode(202)
  @ApiOperation({ summary: 'Transfer leadership; the operation succeeds when the target leads, fails after TRANSFER_TIMEOUT_MS' })
  @ApiResponse({ status: 202, type: OperationAccepted })
  async transfer(@Body() body: TransferLeaderDto, @Actor() actor: string): Promise<OperationAccepted> {
    const op = await this.ops.transferLeader(body.to, actor);
    return { operationId: op.id };
  }
}

@ApiTags('operations')
@Controller('v1/operations')
export class OperationsController {
  constructor(private readonly ops: OperationsService) {}

  @Get()
  @ApiOperation({ summary: 'Operations, newest first' })
  @ApiOkResponse({ type: [OperationView] })
  list(@Query() q: ListOperationsQuery): Promise<OperationEntity[]> {
    return this.ops.list(q.limit ?? 100);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One operation: status, current phase, each step with its timestamp, error if any' })
  @ApiOkResponse({ type: OperationView })
  @ApiResponse({ status: 404, description: 'No such operation' })
  get(@Param('id') id: string): Promise<OperationEntity> {
    return this.ops.get(id);
  }
}
