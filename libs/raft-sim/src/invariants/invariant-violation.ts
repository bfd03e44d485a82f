/** Names of the properties the simulator checks. */
export type InvariantName =
  | 'election-safety'
  | 'leader-append-only'
  | 'log-matching'
  | 'leader-completeness'
  | 'state-machine-safety'
  | 'linearizability'
  | 'liveness'
  | 'removal-truth';

/** A checked property does not hold. The simulator adds the seed, time and trace. */
export class InvariantViolation extends Error {
  readonly code = 'INVARIANT_VIOLATION';
  constructor(
    readonly invariant: InvariantName,
    readonly detail: string,
  ) {
    super(`${invariant} violated: ${detail}`);
    this.name = 'InvariantViolation';
  }
}
