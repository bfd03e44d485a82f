import { InvalidActorOptionError } from './errors';

/** Actor names are path segments joined by `/`; a segment is non-empty and has no `/`. */
const NAME_SEGMENT = /^[^/]+$/;

/** Throws {@link InvalidActorOptionError} unless `name` is a valid single name segment. */
export function checkActorName(name: string): void {
  if (!NAME_SEGMENT.test(name)) throw new InvalidActorOptionError(`invalid actor name "${name}"`);
}
