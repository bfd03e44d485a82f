import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { encodeCommand, requestKey } from '@raft/raft-kv';
import { randomUUID } from 'node:crypto';
import { MEMBERS_PREFIX } from '../raft/address-book';
import { RaftNodeService } from '../raft/raft-node.service';
import { AddMemberDto } from './admin.dto';

/**
 * Internal membership API used by the admin gateway. Must be called on the leader (others
 * answer 503 with `leaderId`). Changes run asynchronously; progress is in GET /v1/status
 * under `membership`.
 */
@ApiTags('admin')
@Controller('v1/admin')
export class AdminController {
  constructor(private readonly node: RaftNodeService) {}

  @Post('members')
  @HttpCode(202)
  async addMember(@Body() body: AddMemberDto): Promise<{ accepted: true; membership: unknown }> {
    // Refuse early (typed 409/400) before writing the address.
    this.node.assertCanChangeMembership({ kind: body.role === 'voter' ? 'add-voter' : 'add-learner', id: body.id });
    // Publish the address through the log first so every member (and future leaders) can reach it.
    const cmd = {
      op: 'put' as const,
      key: `${MEMBERS_PREFIX}${body.id}`,
      value: JSON.stringify({ peer: body.peerAddress, http: body.httpAddress }),
      clientId: 'admin',
      requestId: randomUUID(),
      ts: Date.now(),
    };
    await this.node.propose(encodeCommand(cmd), requestKey(cmd));
    this.node.changeMembership({ kind: body.role === 'voter' ? 'add-voter' : 'add-learner', id: body.id });
    return { accepted: true, membership: this.node.status().membership };
  }

  @Delete('members/:id')
  @HttpCode(202)
  removeMember(@Param('id') id: string): { accepted: true; membership: unknown } {
    this.node.changeMembership({ kind: 'remove', id });
    return { accepted: true, membership: this.node.status().membership };
  }
}
