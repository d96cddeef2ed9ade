import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../accounts/current-user';
import { sendPage } from '../common/page-form';
import { ViewService } from '../common/view.service';
import { AppConfig } from '../config/app.config';

/** /privacy: the personal-data policy the consent checkbox links to (PRIVACY_POLICY_URL may point elsewhere instead). */
@ApiExcludeController()
@Controller('privacy')
export class PrivacyPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  page(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return sendPage(reply, this.views, req, 'pages/public/privacy', {
      title: 'Обработка персональных данных',
      version: this.config.PRIVACY_POLICY_VERSION,
    });
  }
}
