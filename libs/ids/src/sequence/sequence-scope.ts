import { InvalidIdsConfigError } from '../errors';

/** Which counter a sequence number comes from. */
export type SequenceScope =
  | { readonly kind: 'global'; readonly name?: string }
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'conversation'; readonly conversationId: string };

/** The global scope (optionally one of several named global counters). */
export const globalScope = (name?: string): SequenceScope => (name === undefined ? { kind: 'global' } : { kind: 'global', name });
/** The scope of one user (e.g. a per-user inbox sequence, as in WeChat's seqsvr). */
export const userScope = (userId: string): SequenceScope => ({ kind: 'user', userId });
/** The scope of one conversation (per-session message ordering). */
export const conversationScope = (conversationId: string): SequenceScope => ({ kind: 'conversation', conversationId });

/**
 * Stable string key of a scope, used by stores and as the allocator's cache key. Ids are
 * URI-encoded so that no two scopes share a key (`user:a:b` cannot collide with anything).
 * @throws InvalidIdsConfigError on an empty id.
 */
export function scopeKey(scope: SequenceScope): string {
  switch (scope.kind) {
    case 'global':
      return scope.name === undefined ? 'global' : `global:${encodePart(scope.name)}`;
    case 'user':
      return `user:${encodePart(scope.userId)}`;
    case 'conversation':
      return `conv:${encodePart(scope.conversationId)}`;
  }
}

function encodePart(part: string): string {
  if (part.length === 0) throw new InvalidIdsConfigError('sequence scope ids must be non-empty');
  return encodeURIComponent(part);
}
