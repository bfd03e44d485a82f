import { CostExceedsCapacityError, InvalidCostError, InvalidKeyError, InvalidOptionsError } from './errors';

/** Throws InvalidOptionsError unless `value` is a positive safe integer. */
export function requirePositiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidOptionsError(`${name} must be a positive safe integer, got ${String(value)}`);
  }
  return value;
}

/** Throws InvalidOptionsError unless `value` is a non-negative safe integer. */
export function requireNonNegativeInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidOptionsError(`${name} must be a non-negative safe integer, got ${String(value)}`);
  }
  return value;
}

/** Throws InvalidOptionsError unless `value` is one of `allowed`. */
export function requireOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidOptionsError(`${name} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  }
  return value as T;
}

/** Validates a key: a non-empty string. */
export function requireKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidKeyError(key);
  return key;
}

/** Validates a cost `n`: a positive safe integer no larger than `capacity`. */
export function requireCost(n: unknown, capacity: number): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) throw new InvalidCostError(n);
  if (n > capacity) throw new CostExceedsCapacityError(n, capacity);
  return n;
}

/**
 * Guards the integer arithmetic: scaled quantities (units × interval) must stay exact in
 * a double, in JavaScript and in Redis' Lua alike.
 */
export function requireExactProduct(name: string, a: number, b: number): void {
  if (!Number.isSafeInteger(a * b) || a * b > 2 ** 50) {
    throw new InvalidOptionsError(`${name} is too large for exact arithmetic (${a} × ${b})`);
  }
}
