/** The host used storage in a way that breaks its contract (a bug in the driver, not a fault). */
export class StorageContractError extends Error {
  readonly code = 'STORAGE_CONTRACT';
  constructor(message: string) {
    super(message);
    this.name = 'StorageContractError';
  }
}
