import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FieldLabels, postRedirectGet, refusalView, sendPage } from '../common/page-form';
import { ViewService } from '../common/view.service';
import { AppConfig } from '../config/app.config';
import { ProposalsService } from '../proposals/proposals.service';
import { referenceData, TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { ReferenceService } from '../reference/reference.service';
import { coverageView } from '../results/coverage-view';
import { CoverageRepository } from '../results/coverage.repository';
import { CampaignFiguresService } from './campaign-figures.service';
import { CampaignLifecycleService } from './campaign-lifecycle.service';
import { CampaignStatus } from './campaign-status';
import { campaignView, questionView } from './campaign-view';
import { CampaignsService, criteriaEditable } from './campaigns.service';
import { DocumentsService } from './documents.service';
import { QUESTION_KIND_LABELS, QuestionKind } from './entities/question.entity';
import { QuestionsService } from './questions.service';

type Form = Record<string, unknown>;
type QuestionView = ReturnType<typeof questionView>;

/** Success messages after post/redirect/get, by code (never text from the query string). */
export const DONE: Record<string, string> = {
  created: 'Кампания создана',
  saved: 'Изменения сохранены',
  document: 'Документ добавлен',
  'document-saved': 'Сведения о документе сохранены',
  version: 'Новая версия загружена',
  question: 'Вопрос добавлен',
  'question-saved': 'Вопрос сохранён',
  deleted: 'Вопрос удалён',
  moved: 'Порядок вопросов изменён',
  criteria: 'Критерии сохранены',
  transition: 'Этап кампании изменён',
};

/** The campaign page's fields by the keys the services use in their messages: a refusal names the field by its label. */
const CAMPAIGN_LABELS: FieldLabels = {
  title: 'Название',
  description: 'Описание',
  slug: 'Адрес публичной страницы',
  discussionOpensAt: 'Начало обсуждения',
  discussionClosesAt: 'Окончание обсуждения',
  'discussion.opensAt': 'Начало обсуждения',
  'discussion.closesAt': 'Окончание обсуждения',
  expertiseOpensAt: 'Начало экспертизы',
  expertiseClosesAt: 'Окончание экспертизы',
  'expertise.opensAt': 'Начало экспертизы',
  'expertise.closesAt': 'Окончание экспертизы',
  reportRecipients: 'Получатели итогового отчёта',
  file: 'Файл',
  notes: 'Что изменено',
  direction: 'Направление',
  authorTerritoryId: 'Территория авторов',
  authorOrganizationId: 'Организация авторов',
  text: 'Текст вопроса',
  kind: 'Вид вопроса',
  options: 'Варианты ответа',
  criteria: 'Критерии',
  to: 'Этап',
};

/** Renders the organizer's campaign pages and runs their form actions (post/redirect/get, errors shown in place). */
@Injectable()
export class CampaignPageService {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly documents: DocumentsService,
    private readonly questions: QuestionsService,
    private readonly lifecycle: CampaignLifecycleService,
    private readonly figures: CampaignFiguresService,
    private readonly views: ViewService,
    private readonly config: AppConfig,
    private readonly reference: ReferenceService,
    private readonly proposals: ProposalsService,
    private readonly coverage: CoverageRepository,
  ) {}

  /** Runs one form action: success → 303 back with a message; a refusal → the page again with the reasons. */
  async act(
    id: string,
    req: FastifyRequest,
    reply: FastifyReply,
    done: string,
    form: string,
    action: () => Promise<unknown>,
    values: Form = {},
  ) {
    return postRedirectGet(reply, action, `/organizer/campaigns/${id}?done=${done}#${form}`, (err) => {
      const [status, extra] = this.failure(err);
      // the summary at the top of the page links to the form that failed
      const formErrors = (extra.formErrors as { message: string }[]).map((e) => ({ ...e, field: form }));
      return this.renderCampaign(id, req, reply, status, { ...extra, formErrors, failedForm: form, values });
    });
  }

  failure(err: unknown): [number, Record<string, unknown>] {
    const view = refusalView(err, CAMPAIGN_LABELS);
    return [view.status, { formError: view.formError, formErrors: view.formErrors, errors: view.errors }];
  }

  async renderList(req: FastifyRequest, reply: FastifyReply, status: number, extra: Record<string, unknown>) {
    const campaigns = await this.campaigns.list();
    return sendPage(reply, this.views, req, 'pages/organizer/campaigns', { title: 'Кампании', campaigns, values: {}, ...extra }, status);
  }

  async renderCampaign(id: string, req: FastifyRequest, reply: FastifyReply, status: number, extra: Record<string, unknown>) {
    const model = await this.campaignModel(id);
    return sendPage(reply, this.views, req, 'pages/organizer/campaign', { ...model, errors: {}, values: {}, ...extra }, status);
  }

  /** Everything the campaign page shows, read in parallel. */
  private async campaignModel(id: string): Promise<Record<string, unknown>> {
    const entity = await this.campaigns.find(id);
    // coverage is live from discussion on: the list of silent municipalities the centre phones during the round
    const withCoverage = entity.status !== CampaignStatus.Draft;
    const [
      documents,
      questions,
      criteria,
      transitions,
      figures,
      scheduleFailures,
      territories,
      organizations,
      proposalsProgress,
      coverage,
    ] = await Promise.all([
      this.documents.list(id),
      this.questions.list(id),
      this.campaigns.criteria(id),
      this.lifecycle.availableTransitions(id),
      this.figures.figures(id),
      this.lifecycle.scheduledFailures(id),
      this.reference.territories(),
      this.reference.organizations(),
      this.proposals.progress(id, entity.status),
      withCoverage ? this.coverage.coverage(id) : null,
    ]);
    const campaign = campaignView(entity);
    return {
      title: campaign.title,
      campaign,
      entity,
      proposalsProgress,
      documents,
      questions: questionRows(questions, documents),
      criteria,
      criteriaText: criteria.map((c) => c.text).join('\n'),
      transitions,
      scheduleFailures,
      figures,
      coverage: coverage ? coverageView(coverage, 'live') : null,
      directions: referenceData().directions,
      territories: territories
        .filter((x) => x.active)
        .map((x) => ({ id: x.id, name: `${x.name} (${(TERRITORY_KIND_LABELS[x.kind] ?? x.kind).toLowerCase()})` })),
      organizations: organizations.map((o) => ({ id: o.id, name: o.name })),
      isDraft: entity.status === CampaignStatus.Draft,
      canAddDocuments: entity.status === CampaignStatus.Draft,
      canAddVersions:
        !entity.frozenAt && [CampaignStatus.Draft, CampaignStatus.Discussion, CampaignStatus.Revision].includes(entity.status),
      canEditCriteria: criteriaEditable(entity),
      publicUrl: `${this.config.APP_URL}/c/${entity.slug}`,
      uploadLimitMb: Math.round((this.config.UPLOAD_MAX_BYTES / 1024 / 1024) * 10) / 10,
    };
  }
}

/** The questionnaire editor's rows: each question with its labels, its options as editable text and its place. */
function questionRows(questions: QuestionView[], documents: { id: string; title: string }[]) {
  const docTitles = new Map(documents.map((d) => [d.id, d.title]));
  return questions.map((q, i) => ({
    ...q,
    kindLabel: QUESTION_KIND_LABELS[q.kind],
    documentTitle: q.documentId ? (docTitles.get(q.documentId) ?? '') : '',
    choice: q.kind === QuestionKind.Single || q.kind === QuestionKind.Multi,
    optionsText: q.options
      .filter((o) => !o.exclusive)
      .map((o) => o.text)
      .join('\n'),
    exclusiveText: q.options.find((o) => o.exclusive)?.text ?? '',
    first: i === 0,
    last: i === questions.length - 1,
  }));
}
