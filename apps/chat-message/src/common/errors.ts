import { HttpException, HttpStatus } from '@nestjs/common';

/** An HTTP error that also sets `Retry-After` (seconds). */
export class RetryableHttpError extends HttpException {
  constructor(
    status: number,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ message }, status);
  }
}

/** 503: the projection has not reached the revision the session already saw. */
export class ProjectionBehindError extends RetryableHttpError {
  constructor(needed: number, projected: number) {
    super(HttpStatus.SERVICE_UNAVAILABLE, `projection is behind this session (needs revision ${needed}, projected ${projected}); retry later or ask for consistency=eventual`, 1);
  }
}

/** 503: no raft node accepted the request before the deadline (no leader, all down). */
export class RaftUnavailableError extends RetryableHttpError {
  constructor(detail: string) {
    super(HttpStatus.SERVICE_UNAVAILABLE, `raft cluster unavailable: ${detail}`, 1);
  }
}

/** 504: the send may or may not have been committed; retrying with the same clientMsgId is safe. */
export class SendOutcomeUnknownError extends HttpException {
  constructor() {
    super({ message: 'outcome unknown; retry with the same clientMsgId' }, HttpStatus.GATEWAY_TIMEOUT);
  }
}

/** 429 with Retry-After. */
export class RateLimitedError extends RetryableHttpError {
  constructor(what: string, retryAfterSeconds: number) {
    super(HttpStatus.TOO_MANY_REQUESTS, `rate limit exceeded (${what})`, Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}
