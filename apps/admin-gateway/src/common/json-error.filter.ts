import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';

interface Mapped {
  readonly status: number;
  readonly error: string;
  readonly extra?: Record<string, unknown>;
}

/** Maps every error to the documented JSON shape `{"error": ...}` and its status. */
export function mapError(e: unknown): Mapped {
  if (e instanceof HttpException) {
    const body = e.getResponse();
    // Terminus answers an unhealthy check with {status: 'error', error: {<check>: …}, details}.
    if (typeof body === 'object' && body !== null && (body as { status?: unknown }).status === 'error' && 'details' in body) {
      const failed = Object.keys((body as { error?: Record<string, unknown> }).error ?? {});
      return { status: e.getStatus(), error: `unhealthy: ${failed.join(', ') || 'unknown'}`, extra: { details: (body as { details: unknown }).details } };
    }
    let error = e.message;
    if (typeof body === 'string') error = body;
    else if (typeof body === 'object' && body !== null && 'message' in body) {
      const m = (body as { message: unknown }).message;
      error = Array.isArray(m) ? [...new Set(m.map(String))].join('; ') : String(m);
    }
    // Nest maps body-parser's SyntaxError to a BadRequestException carrying only its message.
    if (e.getStatus() === 400 && /\bJSON\b/.test(error) && !(typeof body === 'object' && body !== null && Array.isArray((body as { message?: unknown }).message))) {
      return { status: 400, error: `request body is not valid JSON: ${error}` };
    }
    return { status: e.getStatus(), error };
  }
  // body-parser failures (malformed JSON, too large) carry a type and a status.
  if (typeof e === 'object' && e !== null) {
    const type = (e as { type?: unknown }).type;
    const status = (e as { status?: unknown; statusCode?: unknown }).status ?? (e as { statusCode?: unknown }).statusCode;
    if (type === 'entity.parse.failed' || ((e as { name?: unknown }).name === 'SyntaxError' && status === 400)) return { status: 400, error: `request body is not valid JSON: ${(e as Error).message}` };
    if (type === 'entity.too.large') return { status: 413, error: 'request body is too large' };
    if (typeof status === 'number' && status >= 400 && status < 500) return { status, error: String((e as { message?: unknown }).message ?? 'bad request') };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, error: 'internal error' };
}

@Catch()
export class JsonErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(e: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const m = mapError(e);
    if (m.status >= 500 && m.status !== 503) this.logger.error(e);
    if (res.headersSent) return void res.end();
    if (m.status === 503) res.setHeader('Retry-After', '1');
    res.status(m.status).json({ error: m.error, ...(m.extra ?? {}) });
  }
}
