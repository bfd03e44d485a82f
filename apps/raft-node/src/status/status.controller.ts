import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { RaftNodeService } from '../raft/raft-node.service';

class ConfigView {
  @ApiProperty({ type: [String] }) voters!: string[];
  @ApiProperty({ type: [String] }) learners!: string[];
  @ApiProperty({ type: [String] }) outgoing!: string[];
}

class RemovedView {
  @ApiProperty({ description: 'Log index at which a committed configuration that leaves this node out is in force.' }) configIndex!: number;
}

export class StatusResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['follower', 'precandidate', 'candidate', 'leader'] }) role!: string;
  @ApiProperty() term!: number;
  @ApiProperty({ nullable: true, type: String }) leaderId!: string | null;
  @ApiProperty() commitIndex!: number;
  @ApiProperty() appliedIndex!: number;
  @ApiProperty({ type: ConfigView }) config!: ConfigView;
  @ApiProperty({
    nullable: true,
    type: RemovedView,
    description: 'Set once this node knows a committed configuration leaves it out (a member told it, or its own log holds it): it answers client requests with 410.',
  })
  removed!: RemovedView | null;
}

class TransferDto {
  @IsString({ message: 'to must be a node id' })
  @Length(1, 64)
  to!: string;
}

@ApiTags('status')
@Controller('v1')
export class StatusController {
  constructor(private readonly node: RaftNodeService) {}

  @Get('status')
  @ApiOkResponse({ type: StatusResponse })
  status(): StatusResponse & Record<string, unknown> {
    const s = this.node.status();
    return {
      id: s.id,
      role: s.role,
      term: s.term,
      leaderId: s.leaderId,
      commitIndex: s.commit,
      appliedIndex: s.appliedIndex,
      config: { voters: [...s.config.voters], learners: [...s.config.learners], outgoing: [...s.config.outgoing] },
      lastIndex: s.lastIndex,
      snapshotIndex: s.snapshotIndex,
      revision: this.node.kv.revision(),
      failed: s.failed,
      progress: s.progress,
      membership: s.membership,
      configChangeInProgress: s.configChangeInProgress,
      removed: s.removed,
      members: this.node.members(),
    };
  }

  /** Internal/admin: ask this node (if leader) to hand leadership to `to`. */
  @Post('admin/transfer-leadership')
  @HttpCode(202)
  transfer(@Body() body: TransferDto): { transferring: string } {
    this.node.transferLeadership(body.to);
    return { transferring: body.to };
  }
}
