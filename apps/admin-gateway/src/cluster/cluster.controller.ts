import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ClusterClientService } from './cluster-client.service';
import type { ClusterView } from './cluster-types';

@ApiTags('cluster')
@Controller('v1/cluster')
export class ClusterController {
  constructor(private readonly cluster: ClusterClientService) {}

  /** Every member (id, addresses, role, voter/learner, term, match index, lag, last contact) and the configuration. */
  @Get()
  @ApiOkResponse({ description: 'Members, roles, replication progress and the configuration' })
  view(): Promise<ClusterView> {
    return this.cluster.view();
  }
}
