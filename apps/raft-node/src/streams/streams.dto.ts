import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class AppendDto {
  @ApiProperty({ description: 'Who sends the message (dedup is per sender).' })
  @IsString({ message: 'sender must be a string' })
  @Length(1, 128, { message: 'sender must be 1-128 characters' })
  sender!: string;

  @ApiProperty({ description: 'Client-chosen id; a retry with the same (sender, clientMsgId) returns the original.' })
  @IsString({ message: 'clientMsgId must be a string' })
  @Length(1, 128, { message: 'clientMsgId must be 1-128 characters' })
  clientMsgId!: string;

  @ApiProperty({ description: 'Globally unique message id chosen by the caller (e.g. a Snowflake).' })
  @IsString({ message: 'msgId must be a string' })
  @Length(1, 64, { message: 'msgId must be 1-64 characters' })
  msgId!: string;

  @ApiProperty()
  @IsString({ message: 'body must be a string' })
  body!: string;
}

export class AppendResponse {
  @ApiProperty() stream!: string;
  @ApiProperty() seq!: number;
  @ApiProperty() msgId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() ts!: number;
  @ApiProperty() duplicate!: boolean;
}

const toInt = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

export class ReadStreamQuery {
  @ApiPropertyOptional({ description: 'Return messages with seq > afterSeq', default: 0 })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'afterSeq must be a non-negative integer' })
  @Min(0)
  afterSeq?: number;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'limit must be an integer in [1, 1000]' })
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ enum: ['linearizable', 'lease', 'serializable'], default: 'linearizable' })
  @IsOptional()
  @IsIn(['linearizable', 'lease', 'serializable'], { message: 'consistency must be linearizable, lease or serializable' })
  consistency?: 'linearizable' | 'lease' | 'serializable';
}
