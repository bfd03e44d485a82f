import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { ConfigChangeInProgressError, NoLeaderError, NotLeaderError, RemovedFromClusterError } from '@raft/raft-core';
import { HostStoppedError, OutcomeUnknownError, ReadUnavailableError } from '@raft/raft-host';
import { mapError } from './http-exception.filter';

describe('mapError', () => {
  it('maps body-parser failures to 400/413 with a clear message', () => {
    const syntax = Object.assign(new SyntaxError('Unexpected end of JSON input'), { statusCode: 400 });
    expect(mapError(syntax)).toEqual({ status: 400, error: 'request body is not valid JSON' });
    const empty = Object.assign(new Error('Body cannot be empty'), { statusCode: 400, code: 'FST_ERR_CTP_EMPTY_JSON_BODY' });
    expect(mapError(empty)).toEqual({ status: 400, error: 'request body is not valid JSON' });
    const big = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect(mapError(big)).toEqual({ status: 413, error: 'request body is too large' });
  });

  it('maps Raft and host errors to the documented statuses', () => {
    expect(mapError(new OutcomeUnknownError())).toEqual({ status: 504, error: 'outcome unknown' });
    expect(mapError(new NoLeaderError())).toMatchObject({ status: 503, retryAfter: 1 });
    expect(mapError(new NotLeaderError('n2'))).toMatchObject({ status: 503, extra: { leaderId: 'n2' } });
    expect(mapError(new ReadUnavailableError('stepped-down'))).toMatchObject({ status: 503 });
    expect(mapError(new HostStoppedError())).toMatchObject({ status: 503, retryAfter: 5 });
    expect(mapError(new ConfigChangeInProgressError())).toMatchObject({ status: 409 });
    expect(mapError(new RemovedFromClusterError(42))).toMatchObject({ status: 410, extra: { removedAt: 42 } });
    expect(mapError(new RemovedFromClusterError(42)).error).toContain('removed from the cluster');
  });

  it('flattens validation messages and keeps HTTP exceptions', () => {
    expect(mapError(new BadRequestException(['value must be a string', 'delta must be an integer']))).toEqual({
      status: 400,
      error: 'value must be a string; delta must be an integer',
    });
    expect(mapError(new PayloadTooLargeException('value is 2000 bytes; the limit is 1000'))).toEqual({ status: 413, error: 'value is 2000 bytes; the limit is 1000' });
    expect(mapError(new Error('boom'))).toEqual({ status: 500, error: 'internal error' });
  });
});
