import type { NextFunction, Request, Response } from 'express';
import { json } from 'express';

/**
 * JSON body parsing that answers malformed or oversized bodies itself, with the documented
 * `{"error": …}` shape: NestJS would otherwise rewrap body-parser errors and lose which
 * kind of failure it was.
 */
export function jsonBody(limitBytes: number): (req: Request, res: Response, next: NextFunction) => void {
  const parse = json({ limit: limitBytes });
  return (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const type = (err as { type?: string }).type;
      if (type === 'entity.too.large') return void res.status(413).json({ error: 'request body is too large' });
      if (type === 'entity.parse.failed') return void res.status(400).json({ error: 'request body is not valid JSON' });
      const status = (err as { status?: number }).status ?? 400;
      res.status(status >= 400 && status < 500 ? status : 400).json({ error: String((err as Error).message) });
    });
}
