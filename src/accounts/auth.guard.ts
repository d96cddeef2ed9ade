import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app.config';
import { requestSite } from '../common/same-site';
import { DomainError, ErrorCode, ForbiddenError, UnauthenticatedError } from '../common/domain-error';
import { AuthUser, IS_PUBLIC, ROLES, SKIP_CSRF } from './current-user';
import { Role } from './entities/user.entity';
import { SESSION_COOKIE, SessionService } from './session.service';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const CROSS_SITE_REFUSED = 'Форма отправлена с другого сайта. Откройте страницу на этом сайте и отправьте форму ещё раз.';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Global guard, deny by default: a route needs @Public() to be reachable without login. Resolves the user from
 * a Bearer token or the session cookie, checks @Roles, and checks the CSRF token on cookie-authenticated
 * unsafe requests (form field `_csrf`, query `_csrf` for multipart, or header `x-csrf-token`). Unsafe requests to
 * public routes, which have no token to check, are refused when the browser says they come from another site.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false;

    const skipCsrf = this.reflector.getAllAndOverride<boolean>(SKIP_CSRF, targets) ?? false;
    // unsafe requests without a CSRF token to check (public forms: login, password reset, applications, answers) are
    // refused when a browser says they come from another site: a hostile page cannot sign its visitor in to the
    // attacker's account, nor send mail or create accounts in the visitor's name
    if (!SAFE_METHODS.has(req.method) && (isPublic || skipCsrf) && requestSite(req, this.config.APP_URL) === 'cross') {
      throw new DomainError(ErrorCode.CsrfInvalid, CROSS_SITE_REFUSED);
    }

    req.user = (await this.resolve(req, isPublic)) ?? undefined;
    if (isPublic) return true;
    if (!req.user) throw new UnauthenticatedError();

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(req.user.role)) throw new ForbiddenError();

    if (req.user.via === 'cookie' && !SAFE_METHODS.has(req.method) && !skipCsrf) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const query = (req.query ?? {}) as Record<string, unknown>;
      const sent = String(body._csrf ?? query._csrf ?? req.headers['x-csrf-token'] ?? '');
      if (!sent || !safeEqual(sent, req.user.csrfToken)) {
        throw new DomainError(ErrorCode.CsrfInvalid, 'Форма устарела или отправлена не с этого сайта. Обновите страницу и повторите.');
      }
    }
    return true;
  }

  private async resolve(req: FastifyRequest, optional: boolean): Promise<AuthUser | null> {
    const header = req.headers.authorization;
    let token: string | undefined;
    let via: AuthUser['via'] = 'cookie';
    if (typeof header === 'string' && header.startsWith('Bearer ')) {
      token = header.slice(7).trim();
      via = 'bearer';
    } else {
      token = (req as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[SESSION_COOKIE];
    }
    if (!token) return null;
    let found;
    try {
      found = await this.sessions.find(token);
    } catch (err) {
      // Redis down: public pages still work without a user; protected ones answer 503.
      if (optional) return null;
      throw new DomainError(ErrorCode.Unavailable, 'Сервис входа временно недоступен, попробуйте позже');
      void err;
    }
    if (!found) return null;
    const { data, sessionId } = found;
    return { id: data.userId, email: data.email, role: data.role, fullName: data.fullName, csrfToken: data.csrfToken, sessionId, via };
  }
}
