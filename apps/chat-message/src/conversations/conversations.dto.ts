import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';
import { USER_ID_PATTERN } from '../auth/auth.service';

const toInt = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

export class CreateConversationDto {
  @ApiProperty({ enum: ['direct', 'group'] })
  @IsIn(['direct', 'group'], { message: 'kind must be direct or group' })
  kind!: 'direct' | 'group';

  @ApiProperty({ type: [String], description: 'Other members (direct: exactly one). The caller is always a member.' })
  @IsArray({ message: 'members must be an array of user ids' })
  @ArrayMinSize(0)
  @ArrayMaxSize(1000, { message: 'members may list at most 1000 users per request' })
  @IsString({ each: true, message: 'members must be user ids' })
  @Matches(USER_ID_PATTERN, { each: true, message: 'members must be user ids (1-64 letters, digits, _ . @ or -)' })
  members!: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'title must be a string' })
  @Length(1, 200, { message: 'title must be 1-200 characters' })
  title?: string;
}

export class AddMembersDto {
  @ApiProperty({ type: [String] })
  @IsArray({ message: 'userIds must be an array of user ids' })
  @ArrayMinSize(1, { message: 'userIds must not be empty' })
  @ArrayMaxSize(1000, { message: 'userIds may list at most 1000 users per request' })
  @IsString({ each: true, message: 'userIds must be user ids' })
  @Matches(USER_ID_PATTERN, { each: true, message: 'userIds must be user ids (1-64 letters, digits, _ . @ or -)' })
  userIds!: string[];
}

export class ReadReceiptDto {
  @ApiProperty({ description: 'Everything up to and including this seq has been read.' })
  @Transform(toInt)
  @IsInt({ message: 'seq must be a non-negative integer' })
  @Min(0, { message: 'seq must be a non-negative integer' })
  seq!: number;
}

export class ConversationView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['direct', 'group'] }) kind!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) title!: string | null;
  @ApiProperty({ enum: ['write', 'read'], description: 'current fan-out mode' }) mode!: string;
  @ApiProperty({ description: 'messages up to here went through inboxes' }) switchSeq!: number;
  @ApiProperty({ description: 'last projected sequence number' }) lastSeq!: number;
  @ApiProperty() memberCount!: number;
  @ApiProperty({ description: 'the caller sees messages after this seq' }) joinedSeq!: number;
  @ApiProperty({ description: 'the caller has read up to here' }) readSeq!: number;
  @ApiProperty() unread!: number;
}
