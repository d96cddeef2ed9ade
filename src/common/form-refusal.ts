import { DomainError } from './domain-error';

/**
 * For a page's form action that failed: the refusal to show on the form again, with its reasons. Anything else is
 * rethrown for the error filter: not a DomainError or a 5xx (a fault, not the user's input) and 404 (the error page).
 */
export function formRefusal(err: unknown): DomainError {
  if (!(err instanceof DomainError) || err.status >= 500 || err.status === 404) throw err;
  return err;
}
