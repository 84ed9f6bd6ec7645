// Typed errors of the secrets store.
export class SecretError extends Error {
  constructor(
    readonly code: 'secret_key_missing' | 'secret_key_invalid' | 'secret_not_found' | 'secret_key_unknown' | 'secret_corrupt',
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'SecretError';
  }
}
