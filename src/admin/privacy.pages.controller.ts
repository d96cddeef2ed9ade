import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../accounts/current-user';
import { pageContext } from '../common/page-context';
import { ViewService } from '../common/view.service';
import { AppConfig } from '../config/app.config';
import { HTML } from './reference-pages.helpers';

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
    return reply
      .type(HTML)
      .send(
        this.views.render(
          'pages/public/privacy',
          pageContext(req, { title: 'Обработка персональных данных', version: this.config.PRIVACY_POLICY_VERSION }),
        ),
      );
  }
}
