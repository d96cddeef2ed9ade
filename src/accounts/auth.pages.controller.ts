import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app.config';
import { DomainError, ErrorCode } from '../common/domain-error';
import { sendPage, splitFieldMessage } from '../common/page-form';
import { requestIp } from '../common/request-ip';
import { safeNextPath } from '../common/safe-redirect';
import { ViewService } from '../common/view.service';
import { AuthService } from './auth.service';
import { PasswordResetService, RESET_REFUSED } from './password-reset.service';
import { AuthUser, CurrentUser, Public, SkipCsrf } from './current-user';
import { Role } from './entities/user.entity';
import { SESSION_COOKIE } from './session.service';

export function homeFor(role: Role): string {
  return role === Role.Expert ? '/expert/assignments' : '/organizer/campaigns';
}

@ApiExcludeController()
@Controller()
export class AuthPagesController {
  constructor(
    private readonly auth: AuthService,
    private readonly views: ViewService,
    private readonly config: AppConfig,
    private readonly resets: PasswordResetService,
  ) {}

  @Public()
  @Get('login')
  loginForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('next') next?: string) {
    if (req.user) return reply.redirect(safeNextPath(next, homeFor(req.user.role)), 303);
    return sendPage(reply, this.views, req, 'pages/auth/login', { title: 'Вход', next: safeNextPath(next, '') });
  }

  @Public()
  @SkipCsrf()
  @Post('login')
  async login(@Body() body: Record<string, unknown>, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const email = String(body?.email ?? '');
    const next = safeNextPath(body?.next, '');
    try {
      const result = await this.auth.login(email, String(body?.password ?? ''), requestIp(req));
      void reply.setCookie(SESSION_COOKIE, result.accessToken, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: this.config.NODE_ENV === 'production',
        maxAge: this.config.SESSION_TTL_SECONDS,
      });
      return reply.redirect(next || homeFor(result.user.role), 303);
    } catch (err) {
      if (!(err instanceof DomainError) || err.status >= 500) throw err;
      const message = err.code === ErrorCode.ValidationFailed ? 'Укажите адрес электронной почты и пароль' : err.message;
      return sendPage(reply, this.views, req, 'pages/auth/login', { title: 'Вход', next, email, formError: message }, err.status);
    }
  }

  @Post('logout')
  async logout(@CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    await this.auth.logout(user.sessionId);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  }

  /** Without a token: the "forgot password" form; with one (the emailed link): the new-password form. */
  @Public()
  @Get('password-reset')
  resetForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('token') token?: string) {
    const view = typeof token === 'string' && token ? 'pages/auth/password-reset-new' : 'pages/auth/password-reset';
    return sendPage(reply, this.views, req, view, { title: 'Смена пароля', token });
  }

  /** Public like the login form (no session yet), so no CSRF token: the emailed secret is what authorizes the change. */
  @Public()
  @SkipCsrf()
  @Post('password-reset')
  async resetSubmit(@Body() body: Record<string, unknown>, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const send = (status: number, view: string, extra: Record<string, unknown>) =>
      sendPage(reply, this.views, req, `pages/auth/${view}`, { title: 'Смена пароля', ...extra }, status);
    if (body?.token === undefined) {
      try {
        await this.resets.request(body?.email, requestIp(req));
      } catch (err) {
        if (!(err instanceof DomainError) || err.code !== ErrorCode.RateLimited) throw err;
        return send(429, 'password-reset', { email: typeof body?.email === 'string' ? body.email : '', formError: err.message });
      }
      return send(200, 'password-reset', {
        sent: true,
        flash: { kind: 'success', message: 'Если такой адрес зарегистрирован, на него отправлена ссылка для смены пароля.' },
      });
    }
    const token = String(body.token);
    try {
      const outcome = await this.resets.reset(token, body.password);
      if (outcome === 'changed') {
        return send(200, 'password-reset-new', {
          done: true,
          flash: { kind: 'success', message: 'Пароль изменён. Войдите с новым паролем.' },
        });
      }
      return send(400, 'password-reset', { formError: `${splitFieldMessage(RESET_REFUSED[outcome]).text}. Запросите новую ссылку.` });
    } catch (err) {
      if (!(err instanceof DomainError) || err.status >= 500) throw err;
      return send(err.status, 'password-reset-new', { token, formError: splitFieldMessage([err.messages].flat()[0]).text });
    }
  }
}
