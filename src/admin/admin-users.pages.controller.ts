import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, Roles } from '../accounts/current-user';
import { Role } from '../accounts/entities/user.entity';
import { ROLE_LABELS } from '../accounts/role-labels';
import { DomainError, NotFoundError } from '../common/domain-error';
import { formRefusal } from '../common/form-refusal';
import { pageContext } from '../common/page-context';
import { ViewService } from '../common/view.service';
import { AdminUserRow, AdminUsersRepository } from './admin-users.repository';
import { AdminUsersService } from './admin-users.service';
import { flashFor } from '../common/page-form';

const HTML = 'text/html; charset=utf-8';
const PAGE_SIZE = 50;

const DONE: Record<string, string> = {
  created: 'Пользователь добавлен: ему отправлено письмо со ссылкой для установки пароля',
  role: 'Роль изменена; пользователь войдёт заново уже с новой ролью',
  blocked: 'Пользователь заблокирован, все его сеансы завершены',
  unblocked: 'Пользователь разблокирован',
  link: 'Новая ссылка для установки пароля отправлена',
};

const roleOptions = (selected?: string) => Object.values(Role).map((r) => ({ value: r, label: ROLE_LABELS[r], selected: r === selected }));

function userView(u: AdminUserRow) {
  return {
    id: u.id,
    fullName: u.full_name,
    email: u.email,
    roleLabel: ROLE_LABELS[u.role],
    role: u.role,
    active: u.active,
    confirmed: Boolean(u.email_confirmed_at),
    createdAt: u.created_at,
  };
}

/** /admin/users: accounts, roles and blocking, without the command line. */
@ApiExcludeController()
@Roles(Role.Admin)
@Controller('admin/users')
export class AdminUsersPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly repo: AdminUsersRepository,
    private readonly service: AdminUsersService,
  ) {}

  private async listPage(req: FastifyRequest, q: Record<string, string | undefined>, extra: Record<string, unknown> = {}) {
    const filter = {
      search: (q.search ?? '').trim().slice(0, 200),
      role: Object.values(Role).includes(q.role as Role) ? (q.role as Role) : '',
      state: q.state === 'active' || q.state === 'blocked' ? q.state : '',
      confirmed: q.confirmed === 'yes' || q.confirmed === 'no' ? q.confirmed : '',
    };
    const page = Math.min(10_000, Math.max(1, Math.floor(Number(q.page)) || 1));
    const { rows, total } = await this.repo.list({
      search: filter.search || undefined,
      role: (filter.role || undefined) as Role | undefined,
      active: filter.state ? filter.state === 'active' : undefined,
      confirmed: filter.confirmed ? filter.confirmed === 'yes' : undefined,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    });
    const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
    const pageUrl = (n: number) => `/admin/users?${qs ? `${qs}&` : ''}page=${n}`;
    return this.views.render(
      'pages/admin/users',
      pageContext(req, {
        title: 'Пользователи',
        filter,
        roles: roleOptions(filter.role),
        newRoles: roleOptions(String((extra.values as Record<string, unknown> | undefined)?.role ?? Role.Organizer)),
        users: rows.map(userView),
        total,
        prevUrl: page > 1 ? pageUrl(page - 1) : null,
        nextUrl: page * PAGE_SIZE < total ? pageUrl(page + 1) : null,
        values: {},
        errors: {},
        ...extra,
      }),
    );
  }

  @Get()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() q: Record<string, string | undefined>) {
    const flash = q.done && DONE[q.done] ? { kind: 'success', message: DONE[q.done] } : undefined;
    return reply.type(HTML).send(await this.listPage(req, q, { flash }));
  }

  @Post()
  async create(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() me: AuthUser, @Body() body: Record<string, unknown>) {
    try {
      const user = await this.service.create(me.id, body ?? {});
      return reply.redirect(`/admin/users/${user.id}?done=created`, 303);
    } catch (err) {
      const refusal = formRefusal(err);
      const html = await this.listPage(
        req,
        {},
        {
          values: { fullName: body?.fullName, email: body?.email, role: body?.role },
          errors: refusal.fieldErrors,
          formError: 'Пользователь не добавлен: исправьте поля, отмеченные ниже.',
          formErrors: Object.entries(refusal.fieldErrors).map(([field, message]) => ({ field: `new-${field}`, message })),
        },
      );
      return reply.status(refusal.status).type(HTML).send(html);
    }
  }

  private async userPage(req: FastifyRequest, id: string, extra: Record<string, unknown> = {}) {
    const user = await this.repo.find(id);
    if (!user) throw new NotFoundError('Пользователь');
    const me = req.user!;
    return this.views.render(
      'pages/admin/user',
      pageContext(req, { title: user.full_name, user: userView(user), roles: roleOptions(user.role), isMe: me.id === user.id, ...extra }),
    );
  }

  @Get(':id')
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string, @Query('done') done?: string) {
    const flash = flashFor(done, DONE);
    return reply.type(HTML).send(await this.userPage(req, id, { flash }));
  }

  /** One action of the user page: done → back with a flash; refused → the page again with the reason. */
  private async act(req: FastifyRequest, reply: FastifyReply, id: string, done: string, action: () => Promise<unknown>) {
    try {
      await action();
      return reply.redirect(`/admin/users/${id}?done=${done}`, 303);
    } catch (err) {
      const refusal: DomainError = formRefusal(err);
      return reply
        .status(refusal.status)
        .type(HTML)
        .send(await this.userPage(req, id, { formError: refusal.message.replace(/^role: /, '') }));
    }
  }

  @Post(':id/role')
  role(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() me: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: Record<string, unknown>,
  ) {
    return this.act(req, reply, id, 'role', () => this.service.changeRole(me.id, id, body?.role));
  }

  @Post(':id/block')
  block(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() me: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.act(req, reply, id, 'blocked', () => this.service.setBlocked(me.id, id, true));
  }

  @Post(':id/unblock')
  unblock(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() me: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.act(req, reply, id, 'unblocked', () => this.service.setBlocked(me.id, id, false));
  }

  @Post(':id/link')
  link(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() me: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.act(req, reply, id, 'link', () => this.service.resendLink(me.id, id));
  }
}
