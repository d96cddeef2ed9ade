import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Role } from './entities/user.entity';

export interface AuthUser {
  id: string;
  email: string;
  role: Role;
  fullName: string;
  /** The session token's hash: identifies the session for logout. */
  sessionId: string;
  csrfToken: string;
  /** How the request authenticated: cookie-authenticated unsafe requests need a CSRF token. */
  via: 'bearer' | 'cookie';
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: AuthUser;
  }
}

export const IS_PUBLIC = 'auth:public';
export const ROLES = 'auth:roles';
export const SKIP_CSRF = 'auth:skip-csrf';

/** No login needed. Everything else requires one (deny by default). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Only these roles (admin is not implied: list it). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);
export const OrganizerOnly = () => Roles(Role.Organizer, Role.Admin);
/** For the login form itself, which has no session yet. */
export const SkipCsrf = () => SetMetadata(SKIP_CSRF, true);

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser | undefined => {
  return ctx.switchToHttp().getRequest<FastifyRequest>().user;
});
