import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClusterClientService } from './cluster-client.service';
import type { ClusterView } from './cluster-types';

@ApiTags('cluster')
@Controller('v1/cluster')
export class ClusterController {
  constructor(private readonly cluster: ClusterClientService) {}

  @Get()
  @ApiOperation({
    summary: 'Every member and the configuration',
    description:
      'Per member: id, address (peer and http), Raft role, voter/learner, term, commit/applied index, match index, lag, last contact, replication state. ' +
      'Plus the configuration (voters, learners, outgoing voters during joint consensus), whether a change is in progress, and the leader.',
  })
  @ApiOkResponse({ description: 'The cluster view' })
  view(): Promise<ClusterView> {
    return this.cluster.view();
  }
}
