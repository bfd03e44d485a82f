import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const ADDRESS = /^[A-Za-z0-9.-]+:\d{1,5}$/;

export class AddMemberDto {
  @ApiProperty({ example: 'n4' })
  @Matches(ID, { message: 'id must be 1-64 letters, digits, _ or -' })
  id!: string;

  @ApiProperty({ example: '127.0.0.1:7104', description: 'peer (Raft transport) host:port of the new node' })
  @Matches(ADDRESS, { message: 'address must be host:port' })
  address!: string;

  @ApiPropertyOptional({ example: '127.0.0.1:7004', description: 'client HTTP host:port; default: peer port − 100 (the cluster CLI port scheme)' })
  @IsOptional()
  @Matches(ADDRESS, { message: 'httpAddress must be host:port' })
  httpAddress?: string;

  @ApiProperty({ enum: ['voter', 'learner'] })
  @IsIn(['voter', 'learner'], { message: 'role must be voter or learner' })
  role!: 'voter' | 'learner';
}

export class TransferLeaderDto {
  @ApiProperty({ example: 'n2' })
  @IsString()
  @Matches(ID, { message: 'to must be a node id' })
  to!: string;
}

export class OperationAccepted {
  @ApiProperty() operationId!: string;
}
