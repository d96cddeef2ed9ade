import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { GzipTemplate } from '../common/gzip-template';
import { ViewService } from '../common/view.service';
import { AppConfig } from '../config/app.config';
import { OrganizationRow } from '../reference/organizations.repository';
import { OrganizationDirectoryService } from '../reference/organization-directory.service';
import { sameName } from '../reference/organization-search';
import { CompiledQuestionnaire, Problem } from './questionnaire';
import { FormBody, questionnaireView } from './questionnaire-form';
import { CampaignMeta, FormLists, PublicDocument, QuestionnaireService } from './questionnaire.service';
import { isUuid } from '../common/uuid';

/** What the page needs of a campaign besides the request: loaded together, cached together. */
interface PageModel {
  questionnaire: CompiledQuestionnaire;
  documents: PublicDocument[];
  lists: FormLists;
  /** The blank form's HTML (without the layout) cut where the idempotency key goes. */
  blank: { head: string; tail: string };
  /** The whole page as an anonymous respondent gets it (layout included), gzip-compressed once around the key. */
  anonymous: GzipTemplate;
}

/** What the server made of the organization fields of a posted form. */
export interface OrganizationOutcome {
  /** What goes into the submission. */
  organizationId: string;
  organizationName: string;
  /** What the re-rendered form shows in the name field (the registry name once an entry is chosen). */
  shownName: string;
  /** Registry entries to confirm (the form comes back instead of being stored). */
  candidates: OrganizationRow[];
}

/**
 * Documents, reference lists and the rendered blank form are trusted this long: documents (titles, new versions) may
 * change during the discussion without touching the campaign row. Every instance re-reads within this time.
 */
const MODEL_TTL_MS = 5_000;
/** Where the key goes in the cached blank form: random per process, so no campaign text can contain it. */
const KEY_SLOT = `key-slot-${randomUUID()}`;
const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

/**
 * The questionnaire page of an open campaign from a cached view model: the blank form is rendered once per campaign
 * version (updated_at, stage, deadline) and then costs a string join per request; forms coming back with errors are
 * rendered from the same cached model.
 */
@Injectable()
export class QuestionnairePageService {
  private readonly models = new Map<string, { key: string; at: number; model: Promise<PageModel> }>();

  constructor(
    private readonly questionnaires: QuestionnaireService,
    private readonly directory: OrganizationDirectoryService,
    private readonly views: ViewService,
    private readonly config: AppConfig,
  ) {}

  /**
   * The blank page for a visitor without a session (nearly everyone): gzip made once per campaign version with the key
   * slotted in (when the client takes gzip and the app compresses at all), else the same text.
   */
  async anonymousPage(campaign: CampaignMeta, key: string, gzip: boolean): Promise<{ gzip: boolean; payload: Buffer | string }> {
    const { anonymous } = await this.model(campaign);
    if (gzip && this.config.COMPRESSION === 'on') return { gzip: true, payload: anonymous.render(key) };
    return { gzip: false, payload: anonymous.text(key) };
  }

  /** The layout's part of the questionnaire page (title, the error summary's heading, the picker's script). */
  layoutContext(campaign: CampaignMeta, failed: boolean): Record<string, unknown> {
    return {
      title: failed ? `Ошибка: ${campaign.title}` : `Анкета: ${campaign.title}`,
      formError: failed ? 'Анкета не отправлена. Исправьте ошибки:' : '',
      // optional: the organization picker (the form works the same without it)
      scripts: ['questionnaire.js'],
    };
  }

  /** The blank form's body with a fresh key slotted in. */
  async blankBody(campaign: CampaignMeta, key: string): Promise<string> {
    const { blank } = await this.model(campaign);
    return blank.head + key + blank.tail;
  }

  /** A posted form coming back: what was typed kept, problems next to their fields, organization candidates to confirm. */
  async filledBody(
    campaign: CampaignMeta,
    form: FormBody,
    problems: Problem[],
    candidates: OrganizationRow[] = [],
  ): Promise<{ body: string; formErrors: { field: string; message: string }[] }> {
    const { questionnaire, documents, lists } = await this.model(campaign);
    const view = questionnaireView(questionnaire, documents, lists, form, problems, candidates);
    return { body: this.body(campaign, view, first(form.key)), formErrors: view.formErrors };
  }

  /**
   * The organization fields of a posted form against the registry of the chosen territory. Taken in this order: a
   * confirmed candidate (`organizationChoice`) or «keep as typed»; the picker's id while the name still is that entry's;
   * a typed name equal to one entry; otherwise candidates to confirm, or free text when nothing matches.
   */
  async resolveOrganization(form: FormBody): Promise<OrganizationOutcome> {
    const typed = first(form.organizationName).trim();
    const choice = first(form.organizationChoice);
    const givenId = first(form.organizationId);
    const territoryId = first(form.territoryId);
    const free: OrganizationOutcome = { organizationId: '', organizationName: typed, shownName: typed, candidates: [] };
    const directory = isUuid(territoryId) ? await this.directory.territory(territoryId) : null;
    const picked = (o: OrganizationRow): OrganizationOutcome => ({
      organizationId: o.id,
      organizationName: '',
      shownName: o.name,
      candidates: [],
    });
    const inTerritory = (id: string) => (isUuid(id) ? directory?.organizations.find((o) => o.id === id.toLowerCase()) : undefined);

    if (choice === 'typed') return free;
    const chosen = inTerritory(choice);
    if (chosen) return picked(chosen);
    if (givenId) {
      // no usable territory: the id goes on as it came (the territory's own error is shown), as before the picker
      if (!directory) return { ...free, organizationId: givenId };
      const entry = inTerritory(givenId);
      if (entry && (!typed || sameName(entry.name, typed))) return picked(entry);
    }
    if (!typed || !directory) return free;
    const match = await this.directory.match(territoryId, typed);
    if (match.kind === 'exact') return picked(match.organization);
    if (match.kind === 'candidates') return { ...free, candidates: match.candidates };
    return free;
  }

  private body(campaign: CampaignMeta, view: ReturnType<typeof questionnaireView>, key: string): string {
    return this.views.render('pages/public/questionnaire', { campaign, key, ...view }, { layout: null });
  }

  private model(campaign: CampaignMeta): Promise<PageModel> {
    const key = `${campaign.updatedAt}|${campaign.status}|${campaign.closesAt ? new Date(campaign.closesAt).getTime() : ''}`;
    const now = Date.now();
    const hit = this.models.get(campaign.id);
    if (hit && hit.key === key && now - hit.at < MODEL_TTL_MS) return hit.model;
    const model = this.load(campaign);
    model.catch(() => this.models.delete(campaign.id));
    if (this.models.size > 1_000) this.models.clear();
    this.models.set(campaign.id, { key, at: now, model });
    return model;
  }

  private async load(campaign: CampaignMeta): Promise<PageModel> {
    const [questionnaire, documents, lists] = await Promise.all([
      this.questionnaires.questionnaire(campaign),
      this.questionnaires.documents(campaign.id),
      this.questionnaires.formLists(),
    ]);
    const body = this.body(campaign, questionnaireView(questionnaire, documents, lists, {}, []), KEY_SLOT);
    const blank = splitAtSlot(body);
    // as pageContext() makes it for a request without a session
    const page = splitAtSlot(this.views.inLayout(body, { currentUser: null, csrfToken: '', ...this.layoutContext(campaign, false) }));
    return { questionnaire, documents, lists, blank, anonymous: new GzipTemplate(page.head, page.tail) };
  }
}

function splitAtSlot(html: string): { head: string; tail: string } {
  const at = html.indexOf(KEY_SLOT);
  if (at < 0 || html.indexOf(KEY_SLOT, at + 1) >= 0) throw new Error('the questionnaire template must show the key exactly once');
  return { head: html.slice(0, at), tail: html.slice(at + KEY_SLOT.length) };
}
