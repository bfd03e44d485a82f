import { Body, Controller, Global, HttpCode, Inject, Module, NotFoundException, Post } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';
import { AuthGuard } from './auth.guard';
import { AuthService, USER_ID_PATTERN } from './auth.service';

export class DevTokenDto {
  @ApiProperty({ example: 'alice' })
  @IsString({ message: 'userId must be a string' })
  @Matches(USER_ID_PATTERN, { message: 'userId must be 1-64 letters, digits, _ . @ or -' })
  userId!: string;
}

export class TokenResponse {
  @ApiProperty() token!: string;
  @ApiProperty() userId!: string;
  @ApiProperty({ description: 'seconds' }) expiresIn!: number;
}

/** Issues tokens for any user id — for local development only; 404 when NODE_ENV=production. */
@ApiTags('auth')
@Controller('v1/dev')
export class DevTokenController {
  constructor(
    private readonly auth: AuthService,
    @Inject(CHAT_ENV) private readonly env: ChatEnv,
  ) {}

  @Post('token')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponse })
  token(@Body() dto: DevTokenDto): TokenResponse {
    if (!this.env.devTokens) throw new NotFoundException('the dev token endpoint is disabled in production');
    return { ...this.auth.issue(dto.userId), userId: dto.userId };
  }
}

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [CHAT_ENV],
      useFactory: (env: ChatEnv) => ({ secret: env.JWT_SECRET, signOptions: { algorithm: 'HS256' } }),
    }),
  ],
  controllers: [DevTokenController],
  providers: [AuthService, AuthGuard],
  exports: [AuthService, AuthGuard],
})
export class AuthModule {}
