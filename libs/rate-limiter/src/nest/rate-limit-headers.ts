import type { Decision } from '../core/decision';

/**
 * Response headers for a decision (IETF draft "RateLimit header fields"): limit, remaining
 * units, and seconds until the limiter is fully reset; `Retry-After` (whole seconds,
 * rounded up so that a client honouring it is not denied again) when denied.
 */
export function rateLimitHeaders(decision: Decision): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(Math.ceil(decision.resetMs / 1000)),
  };
  if (!decision.allowed) headers['Retry-After'] = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
  return headers;
}

interface ReplyWithHeader {
  header(name: string, value: string): unknown;
}
interface NodeLikeResponse {
  setHeader(name: string, value: string): unknown;
}

/**
 * Sets headers on the platform's response object: `header()` when it has one (a Fastify
 * reply — whose headers are only sent if set through the reply — and an Express response),
 * else `setHeader()` (a bare Node `ServerResponse`). Anything else is left untouched.
 */
export function setResponseHeaders(response: unknown, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (hasMethod<ReplyWithHeader>(response, 'header')) response.header(name, value);
    else if (hasMethod<NodeLikeResponse>(response, 'setHeader')) response.setHeader(name, value);
  }
}

function hasMethod<T>(value: unknown, method: string): value is T {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[method] === 'function';
}
