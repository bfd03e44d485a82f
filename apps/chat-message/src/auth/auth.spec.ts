import { NotFoundException, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { validateChatEnv } from '../config/chat-config';
import { DevTokenController } from './auth.module';
import { AuthService } from './auth.service';

const envOf = (NODE_ENV: string) => validateChatEnv({ RAFT_NODES: '127.0.0.1:7001', JWT_SECRET: 'unit-test-secret', NODE_ENV });

describe('auth', () => {
  const jwt = new JwtService({ secret: 'unit-test-secret', signOptions: { algorithm: 'HS256' } });

  it('issues tokens that verify to the user, and refuses forged, foreign and missing ones', () => {
    const auth = new AuthService(jwt, envOf('development'));
    const { token } = auth.issue('alice');
    expect(auth.verify(token)).toEqual({ userId: 'alice' });
    expect(() => auth.verify(null)).toThrow(UnauthorizedException);
    expect(() => auth.verify(token.slice(0, -3) + 'abc')).toThrow(/invalid token/);
    const foreign = new JwtService({ secret: 'another-secret' }).sign({ sub: 'alice' });
    expect(() => auth.verify(foreign)).toThrow(/invalid signature/);
    expect(AuthService.tokenFrom('Bearer abc', undefined)).toBe('abc');
    expect(AuthService.tokenFrom(undefined, 'q')).toBe('q');
  });

  it('serves dev tokens outside production only', () => {
    const dev = new DevTokenController(new AuthService(jwt, envOf('development')), envOf('development'));
    expect(dev.token({ userId: 'bob' })).toMatchObject({ userId: 'bob', expiresIn: 86400 });
    const prod = new DevTokenController(new AuthService(jwt, envOf('production')), envOf('production'));
    expect(() => prod.token({ userId: 'bob' })).toThrow(NotFoundException);
  });
});
