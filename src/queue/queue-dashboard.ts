import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bull';
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Role } from '../accounts/entities/user.entity';
import { SESSION_COOKIE, SessionService } from '../accounts/session.service';
import { codeForStatus } from '../common/domain-error';
import { AppConfig } from '../config/app.config';
import { requestSite } from '../common/same-site';
import { adaptDashboardPages } from './queue-dashboard-page';
import { ALL_QUEUES, QUEUE_LABELS } from './queue-registry';

const logger = new Logger('QueueDashboard');

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sendError(reply: FastifyReply, statusCode: number, error: string, message: string): FastifyReply {
  return reply
    .status(statusCode)
    .type('application/json; charset=utf-8')
    .send({ statusCode, error, message, code: codeForStatus(statusCode) });
}

/**
 * Admins only. bull-board is a Fastify plugin, outside Nest's guards, so this hook repeats the guard's checks:
 * the session from a Bearer token or the `sid` cookie (SessionService), the admin role, and for cookie-authenticated
 * actions (retry, clean) a same-origin check instead of the CSRF field the board's UI cannot send.
 */
function adminOnly(sessions: SessionService, appUrl: string) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> => {
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const token = bearer ?? (req as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[SESSION_COOKIE];
    let session;
    try {
      session = token ? await sessions.find(token) : null;
    } catch {
      return sendError(reply, 503, 'Service Unavailable', 'Сервис входа временно недоступен, попробуйте позже');
    }
    if (!session) {
      if (!bearer && String(req.headers.accept ?? '').includes('text/html')) {
        return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      }
      return sendError(reply, 401, 'Unauthorized', 'Требуется вход в систему');
    }
    if (session.data.role !== Role.Admin) return sendError(reply, 403, 'Forbidden', 'Недостаточно прав');
    // an answer for a signed-in administrator: never kept by a browser or a proxy
    void reply.header('cache-control', 'no-store');
    // must say it comes from this site (Origin, else Referer): a missing, foreign or "null" origin is refused
    if (!bearer && !SAFE_METHODS.has(req.method) && requestSite(req, appUrl, { referer: true }) !== 'same') {
      return sendError(reply, 403, 'Forbidden', 'Запрос отправлен не с этого сайта');
    }
  };
}

/** The queue dashboard (bull-board) at /admin/queues: every queue of the registry, for administrators. */
export async function registerQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const config = app.get(AppConfig);
  if (config.BULL_BOARD === 'off') return;
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: ALL_QUEUES.map(
      (name) =>
        new BullAdapter(app.get<Queue>(getQueueToken(name), { strict: false }), {
          displayName: QUEUE_LABELS[name].name,
          description: QUEUE_LABELS[name].does,
        }),
    ),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: 'Очереди',
        // Russian whatever the browser's language; no link to bull-board's English documentation
        locale: { lng: 'ru-RU' },
        hideDocsLink: true,
        miscLinks: [{ text: 'Работа системы', url: '/admin/operations' }],
      },
    },
  });
  // bull-board's own handler answers with the error's message and stack: ours says only that something failed
  serverAdapter.setErrorHandler((err: Error & { statusCode?: number }) => {
    const status = ([400, 403, 404, 405, 409] as const).find((code) => code === err.statusCode) ?? 500;
    if (status === 500) logger.error({ err }, 'queue dashboard request failed');
    const message = status === 500 ? 'Внутренняя ошибка сервера' : status === 404 ? 'Не найдено' : 'Неверный запрос';
    return { status, body: { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, code: codeForStatus(status) } };
  });
  const sessions = app.get(SessionService);
  const plugin = serverAdapter.registerPlugin();
  await app.register(
    (async (instance: FastifyInstance) => {
      instance.addHook('onRequest', adminOnly(sessions, config.APP_URL));
      adaptDashboardPages(instance);
      await instance.register(plugin as never);
    }) as never,
    { prefix: QUEUE_DASHBOARD_PATH } as never,
  );
}
