// Typed authentication and authorisation errors; the API maps them to 401 / 403 in one place (api/errors.ts).
export type AuthErrorCode = 'unauthenticated' | 'invalid_token' | 'no_profile' | 'forbidden' | 'not_local_mode';

export class AuthError extends Error {
  readonly retryable = false;
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}
