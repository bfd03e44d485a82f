import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, registerDecorator, type ValidationOptions } from 'class-validator';

export const NODE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const HOST_PORT = /^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*):(\d{1,5})$/;

/** `host:port` with a port in [1, 65535]. */
export function isHostPort(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = HOST_PORT.exec(v);
  return m !== null && Number(m[3]) >= 1 && Number(m[3]) <= 65535;
}

function IsHostPort(options: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({ name: 'isHostPort', target: target.constructor, propertyName: String(propertyName), options, validator: { validate: isHostPort } });
}

/**
 * The client HTTP address of a node from its peer address, by the cluster CLI's port scheme
 * (node i: HTTP on P+i, peers on P+100+i): same host, peer port − 100.
 */
export function defaultHttpAddress(peer: string): string {
  const i = peer.lastIndexOf(':');
  return `${peer.slice(0, i)}:${Number(peer.slice(i + 1)) - 100}`;
}

export class AddMemberDto {
  @ApiProperty({ example: 'n4', description: 'The new node’s id (1-64 letters, digits, _ or -)' })
  @IsString({ message: 'id must be a node id' })
  @Matches(NODE_ID, { message: 'id must be 1-64 letters, digits, _ or -' })
  id!: string;

  @ApiProperty({ example: '127.0.0.1:7104', description: 'host:port of the new node’s peer (Raft transport) listener' })
  @IsHostPort({ message: 'address must be host:port with a port in [1, 65535]' })
  address!: string;

  @ApiPropertyOptional({
    example: '127.0.0.1:7004',
    description: 'host:port of the new node’s client HTTP API. Default: the address’s host with its port − 100 (the cluster CLI’s port scheme).',
  })
  @IsOptional()
  @IsHostPort({ message: 'httpAddress must be host:port with a port in [1, 65535]' })
  httpAddress?: string;

  @ApiProperty({ enum: ['voter', 'learner'], description: 'voter: learner → caught up → joint consensus → new configuration' })
  @IsIn(['voter', 'learner'], { message: 'role must be voter or learner' })
  role!: 'voter' | 'learner';
}

export class TransferLeaderDto {
  @ApiProperty({ example: 'n2', description: 'The voter that should lead' })
  @IsString({ message: 'to must be a node id' })
  @Matches(NODE_ID, { message: 'to must be a node id' })
  to!: string;
}

export class NodeIdParam {
  @Matches(NODE_ID, { message: 'id must be 1-64 letters, digits, _ or -' })
  id!: string;
}

export class ListOperationsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be in [1, 1000]' })
  @Max(1000, { message: 'limit must be in [1, 1000]' })
  limit?: number;
}

export class OperationAccepted {
  @ApiProperty({ format: 'uuid' }) operationId!: string;
}

class StepView {
  @ApiProperty({ example: 'catching-up (round 1)' }) phase!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional() detail?: string;
}

export class OperationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['add-member', 'remove-member', 'transfer-leader'] }) kind!: string;
  @ApiProperty({ example: 'n4' }) target!: string;
  @ApiProperty({ example: { role: 'voter', peerAddress: '127.0.0.1:7104', httpAddress: '127.0.0.1:7004' } }) params!: Record<string, unknown>;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed', 'interrupted'] }) status!: string;
  @ApiProperty({ example: 'joint', description: 'The current phase (the last step’s)' }) phase!: string;
  @ApiProperty({ type: [StepView] }) steps!: StepView[];
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ example: 'admin' }) actor!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt!: Date;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: Date | null;
}
