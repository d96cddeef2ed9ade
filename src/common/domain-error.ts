/**
 * Errors of the domain carry a stable code and the HTTP status they map to; the one exception filter turns them
 * into API.md's error shape (JSON) or a Russian error page. Messages are in Russian: users read them.
 */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  NotFound = 'not_found',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  CsrfInvalid = 'csrf_invalid',
  Conflict = 'conflict',
  TransitionRefused = 'transition_refused',
  WrongStage = 'wrong_stage',
  Duplicate = 'duplicate',
  Unprocessable = 'unprocessable',
  IdempotencyMismatch = 'idempotency_mismatch',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedFile = 'unsupported_file',
  RateLimited = 'rate_limited',
  Unavailable = 'unavailable',
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
}

export class NotFoundError extends DomainError {
  constructor(what = 'Объект') {
    super(ErrorCode.NotFound, `${what} не найден`);
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
