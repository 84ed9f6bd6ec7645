// Authentication: Supabase JWT verification, profile lookup, and local-mode dev tokens.
export { AuthError } from './errors';
export type { AuthErrorCode } from './errors';
export { createTokenVerifier, bearerToken } from './verifier';
export type { TokenVerifier, VerifierConfig, VerifiedToken } from './verifier';
export { createAuthenticator, isAdmin } from './users';
export type { Authenticator, AuthUser, UserRole } from './users';
export { loadOrCreateLocalJwtSecret, signDevToken, LOCAL_ISSUER } from './local';
export type { DevTokenSubject } from './local';
