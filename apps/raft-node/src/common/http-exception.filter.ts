import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ConfigChangeInProgressError, InvalidConfigChangeError, LeaderTransferInProgressError, NoLeaderError, NotLeaderError, RaftError } from '@raft/raft-core';
import { HostStoppedError, OutcomeUnknownError, ReadUnavailableError } from '@raft/raft-host';

interface Mapped {
  readonly status: number;
  readonly error: string;
  readonly retryAfter?: number;
  readonly extra?: Record<string, unknown>;
}

/** Maps every error to the documented JSON shape `{"error": ...}` and status. */
export function mapError(e: unknown): Mapped {
  if (e instanceof OutcomeUnknownError) return { status: HttpStatus.GATEWAY_TIMEOUT, error: 'outcome unknown' };
  if (e instanceof ConfigChangeInProgressError) return { status: HttpStatus.CONFLICT, error: e.message };
  if (e instanceof InvalidConfigChangeError) return { status: HttpStatus.BAD_REQUEST, error: e.message };
  if (e instanceof NotLeaderError) return { status: 503, error: e.message, retryAfter: 1, extra: { leaderId: e.leaderHint } };
  if (e instanceof NoLeaderError || e instanceof LeaderTransferInProgressError) return { status: 503, error: e.message, retryAfter: 1 };
  if (e instanceof ReadUnavailableError) return { status: 503, error: e.message, retryAfter: 1 };
  if (e instanceof HostStoppedError) return { status: 503, error: e.message, retryAfter: 5 };
  if (e instanceof RaftError) return { status: 503, error: e.message, retryAfter: 1 };
  // body-parser errors (malformed JSON, body too large) carry a status and type.
  if (!(e instanceof HttpException) && typeof e === 'object' && e !== null && 'status' in e && typeof (e as { status: unknown }).status === 'number') {
    const status = (e as { status: number }).status;
    const type = (e as { type?: string }).type;
    if (type === 'entity.parse.failed' || e instanceof SyntaxError) return { status: 400, error: 'request body is not valid JSON' };
    if (type === 'entity.too.large') return { status: 413, error: 'request body is too large' };
    if (status >= 400 && status < 500) return { status, error: String((e as { message?: unknown }).message ?? 'bad request') };
  }
  if (e instanceof HttpException) {
    const body = e.getResponse();
    let error = e.message;
    if (Array.isArray(body)) error = body.map(String).join('; ');
    else if (typeof body === 'object' && body !== null && 'message' in body) {
      const m = (body as { message: unknown }).message;
      error = Array.isArray(m) ? m.join('; ') : String(m);
    }
    return { status: e.getStatus(), error };
  }
  return { status: 500, error: 'internal error' };
}

@Catch()
export class JsonExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const m = mapError(exception);
    if (m.status >= 500 && m.status !== 503 && m.status !== 504) this.logger.error(exception);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (m.retryAfter !== undefined) res.setHeader('Retry-After', String(m.retryAfter));
    res.status(m.status).json({ error: m.error, ...(m.extra ?? {}) });
  }
}
