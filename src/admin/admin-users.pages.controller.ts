import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, Roles } from '../accounts/current-user';
import { Role } from '../accounts/entities/user.entity';
import { ROLE_LABELS } from '../accounts/role-labels';
import { NotFoundError } from '../common/domain-error';
import { fieldRefusalView, flashFor, postRedirectGet, refusalText, sendPage } from '../common/page-form';
import { ViewService } from '../common/view.service';
import { AdminUserRow, AdminUsersRepository } from './admin-users.repository';
import { AdminUsersService } from './admin-users.service';
import { newField } from './reference-pages.helpers';

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

/** The list's filter from its GET form (unknown values ignored) and the page number. */
function filterOf(q: Record<string, string | undefined>) {
  return {
    filter: {
      search: (q.search ?? '').trim().slice(0, 200),
      role: Object.values(Role).includes(q.role as Role) ? (q.role as Role) : '',
      state: q.state === 'active' || q.state === 'blocked' ? q.state : '',
      confirmed: q.confirmed === 'yes' || q.confirmed === 'no' ? q.confirmed : '',
    },
    page: Math.min(10_000, Math.max(1, Math.floor(Number(q.page)) || 1)),
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

  private async listPage(
    req: FastifyRequest,
    reply: FastifyReply,
    q: Record<string, string | undefined>,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const { filter, page } = filterOf(q);
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
    const context = {
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
    };
    return sendPage(reply, this.views, req, 'pages/admin/users', context, status);
  }

  @Get()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() q: Record<string, string | undefined>) {
    return this.listPage(req, reply, q, { flash: flashFor(q.done, DONE) });
  }

  @Post()
  async create(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() me: AuthUser, @Body() body: Record<string, unknown>) {
    return postRedirectGet(
      reply,
      () => this.service.create(me.id, body ?? {}),
      (user) => `/admin/users/${user.id}?done=created`,
      (err) => {
        const { status, ...view } = fieldRefusalView(err, 'Пользователь не добавлен: исправьте поля, отмеченные ниже.', newField);
        const values = { fullName: body?.fullName, email: body?.email, role: body?.role };
        return this.listPage(req, reply, {}, { values, ...view }, status);
      },
    );
  }

  private async userPage(req: FastifyRequest, reply: FastifyReply, id: string, extra: Record<string, unknown> = {}, status = 200) {
    const user = await this.repo.find(id);
    if (!user) throw new NotFoundError('Пользователь');
    const me = req.user!;
    const context = { title: user.full_name, user: userView(user), roles: roleOptions(user.role), isMe: me.id === user.id, ...extra };
    return sendPage(reply, this.views, req, 'pages/admin/user', context, status);
  }

  @Get(':id')
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string, @Query('done') done?: string) {
    return this.userPage(req, reply, id, { flash: flashFor(done, DONE) });
  }

  /** One action of the user page: done → back with a flash; refused → the page again with the reason. */
  private act(req: FastifyRequest, reply: FastifyReply, id: string, done: string, action: () => Promise<unknown>) {
    return postRedirectGet(reply, action, `/admin/users/${id}?done=${done}`, (err) =>
      this.userPage(req, reply, id, { formError: refusalText(err) }, err.status),
    );
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
