import { BadRequestException, ConflictException, HttpException, ServiceUnavailableException } from '@nestjs/common';
import { mapError } from './json-error.filter';

describe('JSON error mapping', () => {
  it('HTTP exceptions keep their status; validation messages are joined once each', () => {
    expect(mapError(new ConflictException('operation x is still running'))).toEqual({ status: 409, error: 'operation x is still running' });
    expect(mapError(new BadRequestException(['id must be a node id', 'id must be a node id', 'role must be voter or learner']))).toEqual({
      status: 400,
      error: 'id must be a node id; role must be voter or learner',
    });
    expect(mapError(new HttpException({ message: 'the cluster has no leader (no quorum?)' }, 503))).toEqual({ status: 503, error: 'the cluster has no leader (no quorum?)' });
  });

  it('malformed JSON bodies are 400 with a clear message', () => {
    expect(mapError(new BadRequestException('Unexpected end of JSON input'))).toEqual({ status: 400, error: 'request body is not valid JSON: Unexpected end of JSON input' });
    expect(mapError(Object.assign(new Error('too big'), { type: 'entity.too.large', status: 413 }))).toEqual({ status: 413, error: 'request body is too large' });
  });

  it('an unhealthy terminus check names the failed checks and keeps the details', () => {
    const e = new ServiceUnavailableException({ status: 'error', info: {}, error: { cluster: { status: 'down' } }, details: { postgres: { status: 'up' }, cluster: { status: 'down' } } });
    expect(mapError(e)).toEqual({ status: 503, error: 'unhealthy: cluster', extra: { details: { postgres: { status: 'up' }, cluster: { status: 'down' } } } });
  });

  it('anything else is a 500 without internals', () => {
    expect(mapError(new Error('secret path /etc/x'))).toEqual({ status: 500, error: 'internal error' });
    expect(mapError('boom')).toEqual({ status: 500, error: 'internal error' });
  });
});
