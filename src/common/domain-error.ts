/**
 * Errors of the domain carry a stable code and the HTTP status they map to; the one exception filter turns them
 * into the API's error shape `{statusCode, error, message, code}` (JSON) or a Russian error page. Clients and pages
 * branch on `code` (stable, upper snake case), never on the message. Messages are in Russian: users read them.
 */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  NotFound = 'NOT_FOUND',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  CsrfInvalid = 'CSRF_INVALID',
  Conflict = 'CONFLICT',
  TransitionRefused = 'TRANSITION_REFUSED',
  /** The campaign's stage does not take this write (responses outside discussion, reviews outside expertise). */
  WrongStage = 'STAGE_CLOSED',
  /** Opening the expertise with undecided proposals, without a reason (POST /transitions {to, reason}). */
  ProposalsUndecided = 'PROPOSALS_UNDECIDED',
  ConflictOfInterest = 'CONFLICT_OF_INTEREST',
  Duplicate = 'DUPLICATE',
  Unprocessable = 'UNPROCESSABLE',
  IdempotencyMismatch = 'IDEMPOTENCY_MISMATCH',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedFile = 'UNSUPPORTED_FILE',
  RateLimited = 'RATE_LIMITED',
  Unavailable = 'UNAVAILABLE',
}

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.UnsupportedFile]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.CsrfInvalid]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.TransitionRefused]: 409,
  [ErrorCode.WrongStage]: 409,
  [ErrorCode.ProposalsUndecided]: 409,
  [ErrorCode.ConflictOfInterest]: 409,
  [ErrorCode.Duplicate]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.Unprocessable]: 422,
  [ErrorCode.IdempotencyMismatch]: 422,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.Unavailable]: 503,
};

export class DomainError extends Error {
  readonly status: number;

  /**
   * @param messages one message, or one per bad field ("field: problem")
   * @param fieldErrors for pages: the problem next to each field, keyed by the form field name
   */
  constructor(
    readonly code: ErrorCode,
    messages: string | string[],
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(Array.isArray(messages) ? messages.join('; ') : messages);
    this.status = STATUS_BY_CODE[code];
    this.messages = messages;
  }

  readonly messages: string | string[];

  /**
   * The request was well formed but the state refuses it (changed meanwhile, a closed stage, a duplicate): a page
   * shows the thing as it now is with the message, instead of the form's field errors.
   */
  get isStateConflict(): boolean {
    return STATE_CONFLICTS.has(this.code);
  }
}

const STATE_CONFLICTS: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.Conflict,
  ErrorCode.TransitionRefused,
  ErrorCode.WrongStage,
  ErrorCode.ProposalsUndecided,
  ErrorCode.ConflictOfInterest,
  ErrorCode.Duplicate,
]);

/** «не найден / не найдена / не найдено» agreeing with the noun (its first word): Кампания, Обсуждение, Версия документа. */
export function notFoundText(what: string): string {
  const head = what.split(' ')[0].toLowerCase();
  const ending = head.endsWith('а') || head.endsWith('я') ? 'не найдена' : head.endsWith('о') || head.endsWith('е') ? 'не найдено' : 'не найден';
  return `${what} ${ending}`;
}

export class NotFoundError extends DomainError {
  constructor(what = 'Объект') {
    super(ErrorCode.NotFound, notFoundText(what));
  }
}

export class ValidationError extends DomainError {
  constructor(messages: string | string[], fieldErrors: Record<string, string> = {}) {
    super(ErrorCode.ValidationFailed, messages, fieldErrors);
  }
}

export class ConflictError extends DomainError {
  constructor(messages: string | string[], code: ErrorCode = ErrorCode.Conflict) {
    super(code, messages);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Недостаточно прав') {
    super(ErrorCode.Forbidden, message);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Требуется вход в систему') {
    super(ErrorCode.Unauthenticated, message);
  }
}

/** The code for errors that are not domain errors (framework, Fastify, unknown), by HTTP status. */
export function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}

const CODE_BY_STATUS: Record<number, string> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  405: 'METHOD_NOT_ALLOWED',
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: ErrorCode.Unprocessable,
  429: ErrorCode.RateLimited,
  500: 'INTERNAL',
  503: ErrorCode.Unavailable,
};
