/** Integer ceiling division for non-negative integers (exact, unlike Math.ceil(a / b) on large values). */
export function ceilDiv(a: number, b: number): number {
  if (a <= 0) return 0;
  return Math.floor((a + b - 1) / b);
}

/** Integer floor division for possibly negative numerators. */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}
