import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ErrorCode } from './domain-error';

/** The one shape of every API error (src/common/http-error.filter.ts), as OpenAPI documents it. */
export class ApiErrorDto {
  @ApiProperty({ example: 409, description: 'The HTTP status, repeated' })
  statusCode: number;

  @ApiProperty({ example: 'Conflict', description: 'The HTTP reason phrase' })
  error: string;

  @ApiProperty({
    description: 'What went wrong, in Russian, for people: one text, or one "field: problem" text per bad field',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'Этап обсуждения закрыт',
  })
  message: string | string[];

  @ApiProperty({
    enum: Object.values(ErrorCode),
    enumName: 'ErrorCode',
    example: ErrorCode.WrongStage,
    description: 'Stable name of the error: clients branch on it, never on the message',
  })
  code: ErrorCode;
}

/** Per status: when it happens, and an example body. */
const ERRORS: Record<number, { description: string; code: ErrorCode; message: string | string[] }> = {
  400: {
    description: 'Invalid input: each bad field is named in `message` (VALIDATION_FAILED, UNSUPPORTED_FILE)',
    code: ErrorCode.ValidationFailed,
    message: ['title: укажите название (до 300 символов)'],
  },
  401: {
    description: 'Not signed in, or the token has expired (UNAUTHENTICATED)',
    code: ErrorCode.Unauthenticated,
    message: 'Требуется вход',
  },
  403: { description: 'Signed in without the role this needs (FORBIDDEN)', code: ErrorCode.Forbidden, message: 'Недостаточно прав' },
  404: {
    description: 'No such object, or not one this caller may see (NOT_FOUND)',
    code: ErrorCode.NotFound,
    message: 'Кампания не найдена',
  },
  409: {
    description: 'Refused in the current state (STAGE_CLOSED, TRANSITION_REFUSED, CONFLICT_OF_INTEREST, DUPLICATE, CONFLICT)',
    code: ErrorCode.WrongStage,
    message: 'Этап обсуждения закрыт',
  },
  413: {
    description: 'The body or file is too large (PAYLOAD_TOO_LARGE)',
    code: ErrorCode.PayloadTooLarge,
    message: 'Слишком большой запрос',
  },
  422: {
    description: 'Well-formed but unacceptable (UNPROCESSABLE, IDEMPOTENCY_MISMATCH)',
    code: ErrorCode.IdempotencyMismatch,
    message: 'Этот ключ идемпотентности уже использован с другим содержимым',
  },
  429: {
    description: 'Too many requests from this client (RATE_LIMITED)',
    code: ErrorCode.RateLimited,
    message: 'Слишком много запросов, попробуйте позже',
  },
  503: {
    description: 'A backing service (PostgreSQL, Redis) is down; try again (UNAVAILABLE)',
    code: ErrorCode.Unavailable,
    message: 'Сервис временно недоступен, попробуйте позже',
  },
};

/** Documents these error statuses with the shared error shape and an example each. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => {
      const e = ERRORS[status];
      if (!e) throw new Error(`no documented error for status ${status}`);
      return ApiResponse({
        status,
        description: e.description,
        type: ApiErrorDto,
        example: { statusCode: status, error: STATUS_CODES[status], message: e.message, code: e.code },
      });
    }),
  );
}

/** What any signed-in route may answer: bad input, no login, wrong role, missing object, a backing service down. */
export const ApiSignedInErrors = () => ApiErrors(400, 401, 403, 404, 503);

/** What any public route may answer. */
export const ApiPublicErrors = () => ApiErrors(400, 404, 503);

/** A binary file answer (downloads of documents and reports). */
export const BINARY = { schema: { type: 'string', format: 'binary' } } as const;
