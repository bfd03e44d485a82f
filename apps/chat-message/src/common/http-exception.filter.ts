import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { RetryableHttpError } from './errors';

interface Mapped {
  readonly status: number;
  readonly error: string;
  readonly retryAfter?: number;
}

/** Maps every error to the documented JSON shape `{"error": ...}` and status. */
export function mapError(e: unknown): Mapped {
  if (e instanceof HttpException) {
    const body = e.getResponse();
    let error = e.message;
    if (typeof body === 'object' && body !== null && 'message' in body) {
      const m = (body as { message: unknown }).message;
      error = Array.isArray(m) ? m.join('; ') : String(m);
    }
    const retryAfter = e instanceof RetryableHttpError ? e.retryAfterSeconds : undefined;
    return retryAfter === undefined ? { status: e.getStatus(), error } : { status: e.getStatus(), error, retryAfter };
  }
  // body-parser errors (malformed JSON, body too large) carry a status and type.
  if (typeof e === 'object' && e !== null && 'status' in e && typeof (e as { status: unknown }).status === 'number') {
    const status = (e as { status: number }).status;
    const type = (e as { type?: string }).type;
    if (type === 'entity.parse.failed') return { status: 400, error: 'request body is not valid JSON' };
    if (type === 'entity.too.large') return { status: 413, error: 'request body is too large' };
    if (status >= 400 && status < 500) return { status, error: String((e as { message?: unknown }).message ?? 'bad request') };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, error: 'internal error' };
}

@Catch()
export class JsonExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    const m = mapError(exception);
    if (m.status >= 500 && m.status !== 503 && m.status !== 504) this.logger.error(exception);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (m.retryAfter !== undefined) res.setHeader('Retry-After', String(m.retryAfter));
    res.status(m.status).json({ error: m.error });
  }
}
