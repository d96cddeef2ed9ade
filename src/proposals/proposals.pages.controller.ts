import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { CAMPAIGN_STATUS_LABELS, CampaignStatus } from '../campaigns/campaign-status';
import { ValidationError } from '../common/domain-error';
import { formRefusal } from '../common/form-refusal';
import { errorSummary, postRedirectGet, sendPage } from '../common/page-form';
import { ViewService } from '../common/view.service';
import { DECISION_LABELS, DECISIONS } from './proposal-decision';
import { GENERAL_TITLE, groupView, ProposalsSummaryService } from './proposals-summary.service';
import { ProposalsRepository } from './proposals.repository';
import { ProposalsService } from './proposals.service';
import { ProposalsPdfRenderer } from './renderers/proposals-pdf.renderer';
import { ProposalsXlsxRenderer } from './renderers/proposals-xlsx.renderer';

/** Groups per page: each is a checkbox and a few lines, so a page stays light at 390 px. */
const GROUPS_PER_PAGE = 50;
const FILTER_KEYS = ['documentId', 'questionId', 'territoryId', 'decision', 'q'] as const;

type Form = Record<string, unknown>;
type Filters = Record<(typeof FILTER_KEYS)[number], string>;

/** Where the error summary sends the reader for each field of the decision form. */
const ERROR_ANCHORS: Record<string, string> = { group: 'proposal-list', decision: 'decision-accepted', justification: 'justification' };

const one = (v: unknown): string => (Array.isArray(v) ? String(v[v.length - 1] ?? '') : v === undefined || v === null ? '' : String(v));

/**
 * The filters of a query string, or of the decision form (there prefixed `filter_`, since the form's own `decision`
 * is the decision to take), as strings (only the known keys).
 */
function filtersOf(source: Form, prefix = ''): Filters {
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, one(source[prefix + k]).trim()])) as Filters;
}

function queryString(filters: Record<string, string>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filters, ...extra })) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The filter form's choices, the ones in the query selected. */
function filterChoices(
  raw: Filters,
  documents: { id: string; title: string }[],
  questions: { id: string; text: string; document_id: string | null }[],
  territories: { id: string; name: string }[],
) {
  const titles = new Map(documents.map((d) => [d.id, d.title]));
  return {
    documents: documents.map((d) => ({ ...d, selected: d.id === raw.documentId })),
    questions: questions.map((q) => ({
      ...q,
      label: `${q.document_id ? titles.get(q.document_id) : GENERAL_TITLE}: ${q.text}`,
      selected: q.id === raw.questionId,
    })),
    territories: territories.map((t) => ({ ...t, selected: t.id === raw.territoryId })),
    decisionOptions: [
      { value: 'undecided', label: 'Без решения', selected: raw.decision === 'undecided' },
      ...DECISIONS.map((d) => ({ value: d, label: DECISION_LABELS[d], selected: raw.decision === d })),
    ],
  };
}

/** The page's links to the previous and next pages of groups, the filter kept. */
function pager(base: string, raw: Filters, page: number, groupCount: number) {
  return {
    page,
    previous: page > 1 ? `${base}${queryString(raw, { page: String(page - 1) })}` : null,
    next: page * GROUPS_PER_PAGE < groupCount ? `${base}${queryString(raw, { page: String(page + 1) })}` : null,
    pages: Math.max(1, Math.ceil(groupCount / GROUPS_PER_PAGE)),
  };
}

/** The organizer's page for working through the proposals, and the summary downloads. */
@ApiExcludeController()
@OrganizerOnly()
@Controller('organizer/campaigns/:id/proposals')
export class ProposalsPagesController {
  constructor(
    private readonly proposals: ProposalsService,
    private readonly repo: ProposalsRepository,
    private readonly summary: ProposalsSummaryService,
    private readonly views: ViewService,
    private readonly pdf: ProposalsPdfRenderer,
    private readonly xlsx: ProposalsXlsxRenderer,
  ) {}

  @Get()
  async page(@Param('id') id: string, @Query() query: Form, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const decided = Number(one(query.decided));
    const flash =
      one(query.done) === 'decided' && Number.isInteger(decided) && decided > 0
        ? { kind: 'success', message: `Решение сохранено. Предложений: ${decided}.` }
        : null;
    return this.render(id, req, reply, 200, filtersOf(query), Number(one(query.page)) || 1, { flash });
  }

  @Post('decisions')
  async decide(
    @Param('id') id: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    const form = body ?? {};
    const filters = filtersOf(form, 'filter_');
    const page = Number(one(form.page)) || 1;
    const groups = ([] as unknown[]).concat(form.group ?? []).map(String);
    const ids = groups.flatMap((g) => g.split(',')).filter(Boolean);
    const decide = async () => {
      if (!ids.length)
        throw new ValidationError('group: не отмечено ни одного предложения', { group: 'Отметьте хотя бы одно предложение' });
      return this.proposals.decideMany(id, ids, one(form.decision) || undefined, one(form.justification), user.id);
    };
    const next = ({ updated }: { updated: number }) =>
      `/organizer/campaigns/${id}/proposals${queryString(filters, { done: 'decided', decided: String(updated), page: String(page) })}`;
    return postRedirectGet(reply, decide, next, (refusal) =>
      this.render(id, req, reply, refusal.status, filters, page, {
        errors: refusal.fieldErrors,
        formError: refusal.isStateConflict ? refusal.message : 'Решение не сохранено: исправьте ошибки, отмеченные ниже.',
        // the summary at the top (layout) links to each field in trouble
        formErrors: errorSummary(refusal.fieldErrors, (field) => ERROR_ANCHORS[field] ?? field),
        checked: groups,
        values: { decision: one(form.decision), justification: one(form.justification) },
      }),
    );
  }

  @Get('summary.xlsx')
  async summaryXlsx(@Param('id') id: string, @Res() reply: FastifyReply) {
    const campaign = await this.proposals.campaignOrFail(id);
    const data = await this.summary.fileData(id);
    if (!data) return this.tooLarge(reply, id);
    const file = await this.xlsx.render(campaign.title, data);
    return this.send(reply, file, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Сводка предложений.xlsx');
  }

  @Get('summary.pdf')
  async summaryPdf(@Param('id') id: string, @Res() reply: FastifyReply) {
    const campaign = await this.proposals.campaignOrFail(id);
    const data = await this.summary.fileData(id);
    if (!data) return this.tooLarge(reply, id);
    const file = await this.pdf.render(campaign.title, data);
    return this.send(reply, file, 'application/pdf', 'Сводка предложений.pdf');
  }

  /** Too many proposals for an instant file (a stale link or a bookmark): the page says where to get them. */
  private tooLarge(reply: FastifyReply, id: string) {
    return reply.redirect(`/organizer/campaigns/${id}/proposals#summary-files`, 303);
  }

  private send(reply: FastifyReply, file: Buffer, type: string, name: string) {
    return reply
      .header('content-type', type)
      .header(
        'content-disposition',
        `attachment; filename="proposals-summary.${name.split('.').pop()}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      )
      .header('content-length', String(file.length))
      .send(file);
  }

  private async render(
    id: string,
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    raw: Filters,
    pageNumber: number,
    extra: Record<string, unknown>,
  ) {
    const campaign = await this.proposals.campaignOrFail(id);
    let filter;
    let filterErrors: Record<string, string> = {};
    try {
      filter = this.proposals.filter(raw);
    } catch (err) {
      filterErrors = formRefusal(err).fieldErrors;
      filter = {};
    }
    const page = Math.max(1, Math.min(Math.floor(pageNumber), 10_000));
    const [summary, matching, groupCount, groups, documents, questions, territories] = await Promise.all([
      this.proposals.summaryOf(id),
      this.repo.count(id, filter),
      this.repo.groupCount(id, filter),
      this.repo.groups(id, filter, (page - 1) * GROUPS_PER_PAGE, GROUPS_PER_PAGE),
      this.repo.documents(id),
      this.repo.textQuestions(id),
      this.repo.territories(),
    ]);
    const checked = new Set((extra.checked as string[] | undefined) ?? []);
    const base = `/organizer/campaigns/${id}/proposals`;
    const context = {
      title: `Предложения: ${campaign.title}`,
      campaign: { ...campaign, statusLabel: CAMPAIGN_STATUS_LABELS[campaign.status as CampaignStatus] },
      canDecide: this.proposals.canDecide(campaign.status),
      progress: { total: summary.total, decided: summary.decided },
      // past this the instant downloads are not offered: the page points to the full report instead
      summaryTooLarge: summary.total > ProposalsSummaryService.FILE_MAX,
      matching,
      groupCount,
      groups: groups.map((g, i) => ({
        ...groupView(g),
        key: `${(page - 1) * GROUPS_PER_PAGE + i + 1}`,
        documentTitle: g.document_id ? g.document_title : GENERAL_TITLE,
        checked: checked.has(g.ids),
      })),
      filters: raw,
      filterErrors,
      ...filterChoices(raw, documents, questions, territories),
      decisions: DECISIONS.map((d) => ({
        value: d,
        label: DECISION_LABELS[d],
        checked: (extra.values as Form | undefined)?.decision === d,
      })),
      ...pager(base, raw, page, groupCount),
      errors: {},
      values: {},
      scripts: ['/static/proposals.js'],
      ...extra,
    };
    return sendPage(reply, this.views, req, 'pages/organizer/proposals', context, status);
  }
}
