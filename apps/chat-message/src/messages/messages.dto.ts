import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

export class SendMessageDto {
  @ApiProperty({ description: 'Client-chosen id; a retry with the same clientMsgId returns the original message.' })
  @IsString({ message: 'clientMsgId must be a string' })
  @Length(1, 128, { message: 'clientMsgId must be 1-128 characters' })
  clientMsgId!: string;

  @ApiProperty({ description: 'Message text, up to MAX_BODY_BYTES UTF-8 bytes (413 above).' })
  @IsString({ message: 'body must be a string' })
  @Length(1, 1_000_000, { message: 'body must not be empty' })
  body!: string;
}

export class SentMessage {
  @ApiProperty() conversationId!: string;
  @ApiProperty({ description: 'per-conversation sequence number: strictly increasing, gapless' }) seq!: number;
  @ApiProperty({ description: 'Snowflake id' }) msgId!: string;
  @ApiProperty() clientMsgId!: string;
  @ApiProperty({ description: 'commit time (ms since the epoch)' }) ts!: number;
  @ApiProperty({ description: 'raft revision of the commit' }) revision!: number;
  @ApiProperty({ description: 'true when this was a retry of an already committed send' }) duplicate!: boolean;
}

export class HistoryQuery {
  @ApiPropertyOptional({ description: 'messages with seq > afterSeq, oldest first' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'afterSeq must be a non-negative integer' })
  @Min(0, { message: 'afterSeq must be a non-negative integer' })
  afterSeq?: number;

  @ApiPropertyOptional({ description: 'the latest messages with seq < beforeSeq (session/eventual only); use a huge value for "latest"' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'beforeSeq must be a positive integer' })
  @Min(1, { message: 'beforeSeq must be a positive integer' })
  beforeSeq?: number;

  @ApiPropertyOptional({ default: 50, maximum: 1000 })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'limit must be an integer in [1, 1000]' })
  @Min(1, { message: 'limit must be an integer in [1, 1000]' })
  @Max(1000, { message: 'limit must be an integer in [1, 1000]' })
  limit?: number;

  @ApiPropertyOptional({ enum: ['strong', 'session', 'eventual'], default: 'session' })
  @IsOptional()
  @IsIn(['strong', 'session', 'eventual'], { message: 'consistency must be strong, session or eventual' })
  consistency?: 'strong' | 'session' | 'eventual';
}
