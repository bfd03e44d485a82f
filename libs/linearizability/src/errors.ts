/** Base class of every error the checker throws, so callers can catch them as a family. */
export class LinearizabilityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The history is malformed (duplicate ids, completion before invocation, …). */
export class InvalidHistoryError extends LinearizabilityError {
  readonly code = 'INVALID_HISTORY';
}

/**
 * The search for one key explored more states than allowed. The history is neither proven
 * linearizable nor proven not to be; a larger budget (or fewer unknown outcomes) may decide it.
 */
export class SearchBudgetExceededError extends LinearizabilityError {
  readonly code = 'SEARCH_BUDGET_EXCEEDED';
  constructor(
    readonly key: string,
    readonly budget: number,
  ) {
    super(`linearizability search for key ${JSON.stringify(key)} exceeded its budget of ${budget} states`);
  }
}
