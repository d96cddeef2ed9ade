/**
 * Where expertise finds the token functions (`consumeUserToken` confirms an applicant's address in its own
 * transaction); the SQL is in user-tokens.repository.ts.
 */
export { consumeUserToken, issueUserToken } from './user-tokens.repository';
export type { TokenRefusal } from './user-tokens.repository';
