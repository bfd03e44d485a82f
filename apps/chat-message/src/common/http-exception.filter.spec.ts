import { ForbiddenException } from '@nestjs/common';
import { ProjectionBehindError, RateLimitedError, SendOutcomeUnknownError } from './errors';
import { mapError } from './http-exception.filter';

describe('error mapping', () => {
  it('maps errors to status, {"error"} text and Retry-After', () => {
    expect(mapError(new ForbiddenException('not a member of this conversation'))).toEqual({ status: 403, error: 'not a member of this conversation' });
    expect(mapError(new ProjectionBehindError(10, 4))).toEqual({
      status: 503,
      error: 'projection is behind this session (needs revision 10, projected 4); retry later or ask for consistency=eventual',
      retryAfter: 1,
    });
    expect(mapError(new RateLimitedError('user alice', 2.2))).toEqual({ status: 429, error: 'rate limit exceeded (user alice)', retryAfter: 3 });
    expect(mapError(new SendOutcomeUnknownError())).toEqual({ status: 504, error: 'outcome unknown; retry with the same clientMsgId' });
    expect(mapError({ status: 400, type: 'entity.parse.failed' })).toEqual({ status: 400, error: 'request body is not valid JSON' });
    expect(mapError(new Error('boom'))).toEqual({ status: 500, error: 'internal error' });
  });
});
