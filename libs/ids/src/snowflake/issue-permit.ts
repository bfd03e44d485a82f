/**
 * Something that must hold for a generator to issue an id, checked before every id —
 * typically "this process still holds the lease on its worker id".
 */
export interface IssuePermit {
  /** Returns normally if ids may be issued now; throws a typed error otherwise. */
  assertCanIssue(): void;
}
