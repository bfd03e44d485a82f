import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import { ConfigChangeInProgressError, InvalidConfigChangeError, LeaderTransferInProgressError, NoLeaderError, NotLeaderError, RaftError, RemovedFromClusterError } from '@raft/raft-core';
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
  // 410: this server will not serve the request again (unless added back); retrying here is useless.
  if (e instanceof RemovedFromClusterError) return { status: HttpStatus.GONE, error: e.message, extra: { removedAt: e.configIndex } };
  if (e instanceof NotLeaderError) return { status: 503, error: e.message, retryAfter: 1, extra: { leaderId: e.leaderHint } };
  if (e instanceof NoLeaderError || e instanceof LeaderTransferInProgressError) return { status: 503, error: e.message, retryAfter: 1 };
  if (e instanceof ReadUnavailableError) return { status: 503, error: e.message, retryAfter: 1 };
  if (e instanceof HostStoppedError) return { status: 503, error: e.message, retryAfter: 5 };
  if (e instanceof RaftError) return { status: 503, error: e.message, retryAfter: 1 };
  // Body parsing failures (malformed JSON, body too large) carry a code and status code.
  if (!(e instanceof HttpException) && typeof e === 'object' && e !== null) {
    const code = (e as { code?: unknown }).code;
    const status = (e as { statusCode?: unknown; status?: unknown }).statusCode ?? (e as { status?: unknown }).status;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) return { status: 413, error: 'request body is too large' };
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { status: 415, error: 'content-type must be application/json' };
    if (e instanceof SyntaxError || (typeof code === 'string' && code.startsWith('FST_ERR_CTP'))) return { status: 400, error: 'request body is not valid JSON' };
    if (typeof status === 'number' && status >= 400 && status < 500) return { status, error: String((e as { message?: unknown }).message ?? 'bad request') };
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

/** The part of a Fastify reply the filter uses. */
interface ReplyLike {
  readonly sent?: boolean;
  readonly raw?: { headersSent: boolean };
  header(name: string, value: string): ReplyLike;
  status(code: number): ReplyLike;
  send(body: unknown): unknown;
}

@Catch()
export class JsonExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<ReplyLike>();
    const m = mapError(exception);
    if (m.status >= 500 && m.status !== 503 && m.status !== 504) this.logger.error(exception);
    if (res.sent || res.raw?.headersSent) return;
    if (m.retryAfter !== undefined) res.header('Retry-After', String(m.retryAfter));
    res.status(m.status).send({ error: m.error, ...(m.extra ?? {}) });
  }
}
