import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http';
import { codeForStatus, DomainError } from './domain-error';
import { pageContext } from './page-context';
import { ViewService } from './view.service';

export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  /** Stable upper-snake name of the error; clients branch on it. */
  code: string;
}

const DB_UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '53300']);
const NET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/** True for errors that mean "a backing service is down", which callers should see as 503, not 500. */
export function isUnavailableError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: string; message?: string; driverError?: unknown };
  if (e.code && (DB_UNAVAILABLE_CODES.has(e.code) || NET_ERRORS.has(e.code))) return true;
  if (
    typeof e.message === 'string' &&
    // the last three are ioredis while Redis is down (offline queue disabled / retries exhausted)
    /Connection terminated|connection timeout|Connection is closed|terminating connection|timeout exceeded when trying to connect|Stream isn't writeable|enableOfflineQueue|max retries per request/i.test(
      e.message,
    )
  ) {
    return true;
  }
  return e.driverError ? isUnavailableError(e.driverError) : false;
}

/** PostgreSQL data exceptions caused by the input itself: untranslatable/NUL character, bad text representation, out of range. */
const DB_BAD_VALUE_CODES = new Set(['22021', '22P05', '22P02', '22003', '22001', '22008', '22007']);

function isBadValueError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: string; driverError?: unknown };
  if (typeof e.code === 'string' && DB_BAD_VALUE_CODES.has(e.code)) return true;
  return e.driverError ? isBadValueError(e.driverError) : false;
}

const RU_MESSAGES: Record<number, string> = {
  400: 'Неверные данные',
  401: 'Требуется вход в систему',
  403: 'Недостаточно прав',
  404: 'Страница не найдена',
  405: 'Метод не поддерживается',
  409: 'Действие сейчас невозможно',
  413: 'Слишком большой запрос',
  415: 'Неподдерживаемый формат запроса',
  422: 'Данные не могут быть приняты',
  429: 'Слишком много запросов, попробуйте позже',
  500: 'Внутренняя ошибка сервера',
  503: 'Сервис временно недоступен, попробуйте позже',
};

/** Maps any thrown error to docs/api.md's error shape (JSON) or, for pages, a Russian error page. Never leaks internals. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  constructor(private readonly views: ViewService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const body = this.toBody(exception, req);

    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, method: req.method, url: req.url?.split('?')[0] }, 'request failed');
    }
    if (reply.sent) return;
    dropHandlerHeaders(reply);
    if (body.statusCode === 429) void reply.header('retry-after', '1');

    if (wantsHtml(req)) {
      if (body.statusCode === 401) {
        void reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
        return;
      }
      const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
      // the signed-in person keeps their menu (and the way out) on an error page too
      const html = this.views.render(
        'pages/error',
        pageContext(req, {
          title: RU_MESSAGES[body.statusCode] ?? 'Ошибка',
          statusCode: body.statusCode,
          message: body.statusCode >= 500 ? RU_MESSAGES[body.statusCode] : message,
        }),
      );
      void reply.status(body.statusCode).type('text/html; charset=utf-8').send(html);
      return;
    }
    void reply.status(body.statusCode).type('application/json; charset=utf-8').send(body);
  }

  private toBody(exception: unknown, req: FastifyRequest): ApiErrorBody {
    if (exception instanceof DomainError) {
      return shape(exception.status, exception.messages, exception.code);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const message =
        typeof res === 'object' && res !== null && 'message' in res
          ? (res as { message: string | string[] }).message
          : (RU_MESSAGES[status] ?? exception.message);
      return shape(status, status >= 500 ? (RU_MESSAGES[status] ?? 'Ошибка') : message);
    }
    const fastifyErr = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fastifyErr?.statusCode === 'number' && fastifyErr.statusCode >= 400 && fastifyErr.statusCode < 500) {
      // Fastify's own errors (body too large, malformed JSON, bad content type): client errors, safe to name.
      const status = fastifyErr.statusCode;
      const message =
        status === 413
          ? RU_MESSAGES[413]
          : status === 400
            ? `Неверный формат запроса: ${fastifyErr.message ?? ''}`.trim()
            : (RU_MESSAGES[status] ?? 'Ошибка');
      return shape(status, message);
    }
    if (isUnavailableError(exception)) {
      return shape(503, RU_MESSAGES[503]);
    }
    if (isBadValueError(exception)) {
      // a value PostgreSQL cannot take (NUL byte in text, out-of-range number) that slipped past validation: the
      // client's fault, not ours; the transaction rolled back, so nothing was stored
      return shape(400, 'Неверные данные: недопустимые символы или значения');
    }
    void req;
    return shape(500, RU_MESSAGES[500]);
  }
}

function shape(statusCode: number, message: string | string[], code = codeForStatus(statusCode)): ApiErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, code };
}

/**
 * Headers the failed handler had set do not belong on the error answer: a redirect's Location or a download's name
 * would mislead, and one Node cannot write (a raw "/организатор" in Location) made the error answer fail too, so
 * that Fastify's fallback wrote its own body with the internal error code. Whatever Node would refuse goes as well.
 */
function dropHandlerHeaders(reply: FastifyReply): void {
  for (const name of ['location', 'content-disposition']) reply.removeHeader(name);
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value === undefined) continue;
    try {
      validateHeaderName(name);
      for (const v of [value].flat()) validateHeaderValue(name, String(v));
    } catch {
      reply.removeHeader(name);
    }
  }
}

export function wantsHtml(req: FastifyRequest): boolean {
  const url = req.url ?? '';
  if (url.startsWith('/api/') || url === '/health' || url.startsWith('/health?')) return false;
  const accept = String(req.headers.accept ?? '');
  if (accept.includes('application/json') && !accept.includes('text/html')) return false;
  return true;
}
