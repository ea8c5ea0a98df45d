/** Codes of the failures the store reports on purpose; anything else is a driver error. */
export type StoreErrorCode =
  | 'invalid_tenant'
  | 'invalid_url'
  | 'secret_key_missing'
  | 'secret_key_invalid'
  | 'secret_key_file_insecure'
  | 'credentials_undecryptable'
  | 'not_found'
  | 'invalid_state';

/**
 * A store failure the caller can act on. Messages name tenants, connections and ids, never a
 * secret value or a payload.
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}
