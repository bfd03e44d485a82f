/**
 * Sync cursors (in the spirit of Telegram's pts and Matrix sync tokens): an opaque, compact
 * string naming exactly what a client has received.
 *
 * - `p`: the user's inbox position (per-user sequence of write-fan-out references).
 * - `c`: for read-fan-out conversations only, the last sequence number received.
 *
 * Format: `c1.` + base64url(JSON {"p": number, "c"?: {conversationId: seq}}). The empty
 * cursor (absent) means "from the beginning".
 */
export interface SyncCursor {
  readonly p: number;
  readonly c: Readonly<Record<string, number>>;
}

export const EMPTY_CURSOR: SyncCursor = { p: 0, c: {} };

export class InvalidCursorError extends Error {}

const MAX_CURSOR_LENGTH = 8192;

export function encodeCursor(cursor: SyncCursor): string {
  const body: { p: number; c?: Record<string, number> } = { p: cursor.p };
  const keys = Object.keys(cursor.c).sort();
  if (keys.length > 0) body.c = Object.fromEntries(keys.map((k) => [k, cursor.c[k]!]));
  return `c1.${Buffer.from(JSON.stringify(body)).toString('base64url')}`;
}

export function decodeCursor(text: string | undefined | null): SyncCursor {
  if (text === undefined || text === null || text === '') return EMPTY_CURSOR;
  if (!text.startsWith('c1.') || text.length > MAX_CURSOR_LENGTH) throw new InvalidCursorError('cursor is malformed');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text.slice(3), 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is malformed');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidCursorError('cursor is malformed');
  const { p, c } = parsed as { p?: unknown; c?: unknown };
  if (!isSeq(p)) throw new InvalidCursorError('cursor is malformed');
  const out: Record<string, number> = {};
  if (c !== undefined) {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new InvalidCursorError('cursor is malformed');
    for (const [k, v] of Object.entries(c as Record<string, unknown>)) {
      if (!isSeq(v) || k.length === 0 || k.length > 64) throw new InvalidCursorError('cursor is malformed');
      out[k] = v;
    }
  }
  return { p, c: out };
}

function isSeq(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
