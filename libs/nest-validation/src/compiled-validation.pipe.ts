import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { compileDtoFastCheck, type DtoFastCheck } from './dto-fast-check';

/**
 * The options our services validate every request with: build the DTO instance, drop
 * properties without rules, refuse values of unknown classes.
 */
export const VALIDATION_OPTIONS = { transform: true, whitelist: true, forbidUnknownValues: true } as const;

/**
 * Nest's `ValidationPipe` (with {@link VALIDATION_OPTIONS}) plus a fast path for input
 * that passes: the DTO's class-validator rules, compiled once per class by
 * {@link compileDtoFastCheck}, build the same DTO instance the full pipe would return.
 * Anything the fast path does not accept — invalid input, objects inside the body, a class
 * it cannot compile — goes through the full pipe, so error responses are exactly
 * class-validator's. The cost it removes is measured by
 * `tools/bench/src/validation-pipe-cost.ts` (BENCHMARKS.md).
 */
export class CompiledValidationPipe extends ValidationPipe {
  private readonly checks = new Map<unknown, DtoFastCheck | null>();

  constructor() {
    super(VALIDATION_OPTIONS);
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const check = metadata.type === 'custom' ? null : this.checkFor(metadata.metatype);
    if (check !== null && isPlainObject(value)) {
      const dto = check(value);
      if (dto !== undefined) return Promise.resolve(dto);
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }

  private checkFor(metatype: ArgumentMetadata['metatype']): DtoFastCheck | null {
    if (typeof metatype !== 'function') return null;
    let check = this.checks.get(metatype);
    if (check === undefined) {
      // Built-in types (String for a route parameter, …) have no rules and compile to null.
      check = compileDtoFastCheck(metatype as new () => object);
      this.checks.set(metatype, check);
    }
    return check;
  }
}

// A JSON object: no prototype, or a root prototype (`Object.prototype` of any realm — a
// body parsed in another vm context is still a plain object).
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}
