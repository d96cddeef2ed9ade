import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app.config';
import { DomainError } from '../common/domain-error';
import { pageContext } from '../common/page-context';
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
    return reply
      .type('text/html; charset=utf-8')
      .send(this.views.render('pages/auth/login', pageContext(req, { title: 'Вход', next: safeNextPath(next, '') })));
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
      const message = err.status === 400 ? 'Укажите адрес электронной почты и пароль' : err.message;
      const html = this.views.render('pages/auth/login', pageContext(req, { title: 'Вход', next, email, formError: message }));
      return reply.status(err.status).type('text/html; charset=utf-8').send(html);
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
    return reply.type('text/html; charset=utf-8').send(this.views.render(view, pageContext(req, { title: 'Смена пароля', token })));
  }

  /** Public like the login form (no session yet), so no CSRF token: the emailed secret is what authorizes the change. */
  @Public()
  @SkipCsrf()
  @Post('password-reset')
  async resetSubmit(@Body() body: Record<string, unknown>, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const send = (status: number, view: string, extra: Record<string, unknown>) =>
      reply
        .status(status)
        .type('text/html; charset=utf-8')
        .send(this.views.render(`pages/auth/${view}`, pageContext(req, { title: 'Смена пароля', ...extra })));
    if (body?.token === undefined) {
      try {
        await this.resets.request(body?.email, requestIp(req));
      } catch (err) {
        if (!(err instanceof DomainError) || err.status !== 429) throw err;
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
      return send(400, 'password-reset', { formError: RESET_REFUSED[outcome].replace(/^token: /, '') + '. Запросите новую ссылку.' });
    } catch (err) {
      if (!(err instanceof DomainError) || err.status >= 500) throw err;
      return send(err.status, 'password-reset-new', { token, formError: [err.messages].flat()[0].replace(/^password: /, '') });
    }
  }
}
