import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, ValidateIf } from 'class-validator';

/** Ids for exactly-once execution: a retry with the same pair returns the first result. */
export class ClientIdsDto {
  @ApiPropertyOptional({ description: 'Stable id of the client (session).', maxLength: 128 })
  @IsOptional()
  @IsString({ message: 'clientId must be a string' })
  @Length(1, 128, { message: 'clientId must be 1-128 characters' })
  clientId?: string;

  @ApiPropertyOptional({ description: 'Unique id of this request within the client.', maxLength: 128 })
  @IsOptional()
  @IsString({ message: 'requestId must be a string' })
  @Length(1, 128, { message: 'requestId must be 1-128 characters' })
  requestId?: string;
}

export class PutDto extends ClientIdsDto {
  @ApiProperty({ description: 'The value to store.' })
  @IsString({ message: 'value must be a string' })
  value!: string;
}

export class CasDto extends ClientIdsDto {
  @ApiProperty({ description: 'Expected current value; null means "the key must not exist".', nullable: true, type: String })
  @ValidateIf((_o, v) => v !== null)
  @IsString({ message: 'expect must be a string or null' })
  expect!: string | null;

  @ApiProperty({ description: 'Value to store when the expectation holds.' })
  @IsString({ message: 'value must be a string' })
  value!: string;
}

export class IncrDto extends ClientIdsDto {
  @ApiProperty({ description: 'Amount to add (may be negative).' })
  @IsInt({ message: 'delta must be an integer' })
  delta!: number;
}

export class ReadQueryDto {
  @ApiPropertyOptional({ enum: ['linearizable', 'lease', 'serializable'], default: 'linearizable' })
  @IsOptional()
  @IsIn(['linearizable', 'lease', 'serializable'], { message: 'consistency must be linearizable, lease or serializable' })
  consistency?: 'linearizable' | 'lease' | 'serializable';
}

export class PutResponse {
  @ApiProperty() revision!: number;
  @ApiPropertyOptional() prev?: string;
}
export class GetResponse {
  @ApiProperty() value!: string;
  @ApiProperty({ description: 'Revision of the last change to this key.' }) revision!: number;
}
export class DeleteResponse {
  @ApiProperty() revision!: number;
  @ApiProperty() deleted!: boolean;
}
export class CasResponse {
  @ApiProperty() succeeded!: boolean;
  @ApiProperty() revision!: number;
  @ApiPropertyOptional() current?: string;
}
export class IncrResponse {
  @ApiProperty() value!: number;
  @ApiProperty() revision!: number;
}
export class ErrorResponse {
  @ApiProperty({ example: 'no leader' }) error!: string;
}
