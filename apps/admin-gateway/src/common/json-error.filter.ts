import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';

/** Every error as `{"error": …}` with its status; body-parser failures as 400/413. */
@Catch()
export class JsonErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(e: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let status = 500;
    let error = 'internal error';
    if (e instanceof HttpException) {
      status = e.getStatus();
      const body = e.getResponse();
      const m = typeof body === 'object' && body !== null && 'message' in body ? (body as { message: unknown }).message : e.message;
      error = Array.isArray(m) ? m.join('; ') : String(m);
      if (status === 400 && /JSON/.test(error)) error = `request body is not valid JSON: ${error}`;
    } else {
      this.logger.error(e);
    }
    if (res.headersSent) return void res.end();
    if (status === 503) res.setHeader('Retry-After', '1');
    res.status(status).json({ error });
  }
}
