import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../accounts/current-user';
import { DomainError, ErrorCode } from '../common/domain-error';
import { sendPage } from '../common/page-form';
import { ViewService } from '../common/view.service';
import { DevMailService } from './dev-mail.service';

const notFound = () => new DomainError(ErrorCode.NotFound, 'Страница не найдена');

/**
 * /dev/mail: the emails the demo caught, readable (decoded subject, recipient, text, links, attachments), so trying
 * the expert application or a password reset needs no mail client. Development and tests only: 404 in production
 * and with DEV_MAIL=off. Public on purpose: the person trying the demo is often not signed in (an applicant).
 */
@ApiExcludeController()
@Public()
@Controller('dev/mail')
export class DevMailPagesController {
  constructor(
    private readonly mail: DevMailService,
    private readonly views: ViewService,
  ) {}

  @Get()
  async page(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    if (!this.mail.enabled()) throw notFound();
    const messages = await this.mail.list();
    void reply.header('cache-control', 'no-store');
    return sendPage(reply, this.views, req, 'pages/dev/mail', { title: 'Письма демонстрации', messages, dir: this.mail.dir() });
  }

  @Get('attachment')
  async attachment(@Query('name') name: string | undefined, @Query('index') index: string | undefined, @Res() reply: FastifyReply) {
    if (!this.mail.enabled()) throw notFound();
    const file = await this.mail.attachment(String(name ?? ''), Number(index));
    if (!file) throw notFound();
    return reply
      .type(file.mimeType || 'application/octet-stream')
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
      .header('x-content-type-options', 'nosniff')
      .send(file.content);
  }
}
