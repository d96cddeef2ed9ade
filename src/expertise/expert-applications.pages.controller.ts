import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../accounts/current-user';
import { DomainError } from '../common/domain-error';
import { fieldRefusalView, refusalText, refusalView, sendPage, submitForm } from '../common/page-form';
import { requestIp } from '../common/request-ip';
import { ViewService } from '../common/view.service';
import { AppConfig } from '../config/app.config';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { ReferenceService } from '../reference/reference.service';
import { ExpertApplicationsService } from './expert-applications.service';
import { RegistryUpkeepService } from './registry-upkeep.service';

type Form = Record<string, unknown>;

const CONFIRM_MESSAGES = {
  confirmed: {
    title: 'Адрес подтверждён',
    text: 'Спасибо! Адрес электронной почты подтверждён. Заявку рассмотрят организаторы; о решении мы сообщим письмом.',
  },
  used: {
    title: 'Ссылка уже использована',
    text: 'Эта ссылка уже была использована: адрес подтверждён ранее. Повторно подтверждать его не нужно.',
  },
  expired: {
    title: 'Срок действия ссылки истёк',
    text: 'Срок действия ссылки истёк. Обратитесь к организаторам, чтобы получить новую ссылку.',
  },
  unknown: { title: 'Ссылка недействительна', text: 'Ссылка недействительна. Проверьте, что она скопирована из письма полностью.' },
} as const;

/** The public registry pages: the application, the address confirmation, and asking for that email again. */
@ApiExcludeController()
@Public()
@Controller('experts')
export class ExpertApplicationsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly applications: ExpertApplicationsService,
    private readonly reference: ReferenceService,
    private readonly upkeep: RegistryUpkeepService,
    private readonly config: AppConfig,
  ) {}

  private async applyForm(req: FastifyRequest, reply: FastifyReply, values: Form, error?: DomainError) {
    const [territories, lists] = await Promise.all([this.reference.territories(), this.reference.codeLists()]);
    const chosen = values.competences === undefined ? [] : ([] as unknown[]).concat(values.competences);
    // a refusal with fields: the messages next to them; without: the refusal's own words as the banner
    const refused = error && fieldRefusalView(error, 'Заявка не отправлена: исправьте ошибки, отмеченные ниже.');
    return sendPage(
      reply,
      this.views,
      req,
      'pages/experts/apply',
      {
        title: 'Заявка в реестр экспертов',
        values,
        privacyPolicyUrl: this.config.PRIVACY_POLICY_URL,
        territories: territories
          .filter((t) => t.active)
          .map((t) => ({ id: t.id, label: `${t.name} (${TERRITORY_KIND_LABELS[t.kind]})`, selected: t.id === values.territoryId })),
        directions: lists.directions.map((d) => ({ ...d, checked: chosen.includes(d.code) })),
        errors: refused?.errors ?? {},
        formError: refused && (refused.formErrors.length ? refused.formError : refusalText(error)),
        formErrors: refused?.formErrors,
      },
      error?.status ?? 200,
    );
  }

  @Get('apply')
  async applyPage(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.applyForm(req, reply, {});
  }

  @Post('apply')
  async applySubmit(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Body() body: Form) {
    const values = { ...(body ?? {}) };
    delete values.password;
    return submitForm(
      () => this.applications.apply(body ?? {}, requestIp(req)),
      () => sendPage(reply, this.views, req, 'pages/experts/applied', { title: 'Заявка отправлена', email: values.email }),
      (err) => this.applyForm(req, reply, values, err),
    );
  }

  @Get('confirm')
  async confirm(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('token') token?: string) {
    const outcome = await this.applications.confirmEmail(String(token ?? ''));
    const msg = CONFIRM_MESSAGES[outcome];
    const status = outcome === 'confirmed' ? 200 : outcome === 'unknown' ? 404 : 410;
    return sendPage(
      reply,
      this.views,
      req,
      'pages/experts/confirm',
      { title: msg.title, text: msg.text, ok: outcome === 'confirmed' },
      status,
    );
  }

  @Get('confirm/resend')
  resendPage(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return sendPage(reply, this.views, req, 'pages/experts/resend', { title: 'Отправить письмо ещё раз', values: {}, errors: {} });
  }

  /** The applicant asks for the confirmation email again; the answer never tells whether the address applied. */
  @Post('confirm/resend')
  async resend(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Body() body: Form) {
    const email = typeof body?.email === 'string' ? body.email.slice(0, 254) : '';
    const page = (extra: Form, status = 200) =>
      sendPage(reply, this.views, req, 'pages/experts/resend', { title: 'Отправить письмо ещё раз', values: { email }, ...extra }, status);
    return submitForm(
      () => this.upkeep.resendConfirmation(email, requestIp(req)),
      () => page({ sent: true, errors: {} }),
      (err) => {
        const view = refusalView(err, { email: 'Адрес электронной почты' });
        return page({ ...view }, view.status);
      },
    );
  }
}
