import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';

const ADDRESS = /^[A-Za-z0-9.-]+:\d{1,5}$/;

export class AddMemberDto {
  @ApiProperty({ example: 'n4' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'id must be 1-64 letters, digits, _ or -' })
  id!: string;

  @ApiProperty({ example: '127.0.0.1:7104', description: 'host:port of the new node’s peer (Raft) listener' })
  @Matches(ADDRESS, { message: 'peerAddress must be host:port' })
  peerAddress!: string;

  @ApiProperty({ example: '127.0.0.1:7004', description: 'host:port of the new node’s client HTTP API' })
  @Matches(ADDRESS, { message: 'httpAddress must be host:port' })
  httpAddress!: string;

  @ApiProperty({ enum: ['voter', 'learner'] })
  @IsIn(['voter', 'learner'], { message: 'role must be voter or learner' })
  role!: 'voter' | 'learner';
}
