import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { NotFoundError, ValidationError } from '../common/domain-error';
import { referenceData } from '../reference/reference-data';
import { CampaignStatus } from './campaign-status';
import { questionView } from './campaign-view';
import { lockCampaign } from './campaigns.service';
import { QUESTIONNAIRE_LOCKED, WrongStageError } from './campaigns.errors';
import { CreateQuestionDto, QuestionOptionDto, QuestionScaleDto, UpdateQuestionDto } from './dto/question.dto';
import { DocumentsRepository } from './documents.repository';
import { Question, QuestionKind } from './entities/question.entity';
import { QuestionsRepository } from './questions.repository';
import { isUuid } from '../common/uuid';

interface QuestionShape {
  kind: QuestionKind;
  options?: QuestionOptionDto[];
  scale?: QuestionScaleDto | null;
  maxLength?: number | null;
}

/** Checks that a question's parts fit its kind; returns the "field: problem" list. */
export function questionProblems(q: QuestionShape): string[] {
  const problems: string[] = [];
  const options = q.options ?? [];
  if (q.kind === QuestionKind.Single || q.kind === QuestionKind.Multi) {
    if (options.length < 2) problems.push('options: нужно не менее двух вариантов ответа');
    if (options.some((o) => !o.text.trim())) problems.push('options: текст варианта не может быть пустым');
    if (q.kind === QuestionKind.Single && options.some((o) => o.exclusive)) {
      problems.push('options: исключающий вариант возможен только в вопросе с несколькими ответами');
    }
    if (q.scale) problems.push('scale: шкала бывает только у вопроса вида «шкала»');
  } else if (options.length) {
    problems.push('options: варианты ответа бывают только у вопросов с выбором');
  }
  if (q.kind === QuestionKind.Scale) {
    if (!q.scale) problems.push('scale: укажите min и max шкалы');
    else if (q.scale.max <= q.scale.min) problems.push('scale: max должен быть больше min');
    else if (q.scale.max - q.scale.min > 20) problems.push('scale: не более 21 деления');
  } else if (q.kind !== QuestionKind.Single && q.kind !== QuestionKind.Multi && q.scale) {
    problems.push('scale: шкала бывает только у вопроса вида «шкала»');
  }
  if (q.kind !== QuestionKind.Text && q.maxLength != null) problems.push('maxLength: ограничение длины бывает только у текстового вопроса');
  return problems;
}

/** The questionnaire: general and per-document questions, ordered; changes only while the campaign is a draft. */
@Injectable()
export class QuestionsService {
  constructor(
    private readonly repo: QuestionsRepository,
    private readonly documents: DocumentsRepository,
    private readonly audit: AuditService,
  ) {}

  /** The reference questionnaire, copied for this document after the questions already there. */
  async addDefaultQuestions(m: EntityManager, campaignId: string, documentId: string): Promise<void> {
    let order = await this.repo.nextSortOrder(m, campaignId);
    for (const dq of referenceData().defaultDiscussionQuestions) {
      const q = await this.repo.insert(m, {
        campaignId: campaignId,
        documentId,
        kind: dq.kind as QuestionKind,
        text: dq.text,
        required: dq.required,
        sortOrder: order++,
        scaleMin: dq.scale?.min ?? null,
        scaleMax: dq.scale?.max ?? null,
        scaleMinLabel: dq.scale?.minLabel ?? null,
        scaleMaxLabel: dq.scale?.maxLabel ?? null,
        maxLength: dq.maxLength ?? null,
      });
      await this.repo.insertOptions(
        m,
        q.id,
        (dq.options ?? []).map((o) => ({ text: o.text, exclusive: !!o.exclusive })),
      );
    }
  }

  async list(campaignId: string) {
    return (await this.repo.listWithOptions(campaignId)).map(questionView);
  }

  async get(campaignId: string, questionId: string) {
    return questionView(await this.load(undefined, campaignId, questionId));
  }

  /** With a question id: another campaign's question is 404 in every stage (no 409 that would confirm it exists). */
  private async lockDraft(m: EntityManager, campaignId: string, questionId?: string) {
    const campaign = await lockCampaign(m, campaignId);
    if (questionId !== undefined) await this.load(m, campaignId, questionId);
    if (campaign.status !== CampaignStatus.Draft) throw new WrongStageError(QUESTIONNAIRE_LOCKED);
    return campaign;
  }

  private async load(m: EntityManager | undefined, campaignId: string, questionId: string): Promise<Question> {
    if (!isUuid(questionId)) throw new NotFoundError('Вопрос');
    const q = await this.repo.findWithOptions(campaignId, questionId, m);
    if (!q) throw new NotFoundError('Вопрос');
    return q;
  }

  async create(campaignId: string, dto: CreateQuestionDto, actorId: string) {
    const problems = questionProblems(dto);
    if (problems.length) throw new ValidationError(problems);
    return this.repo.transaction(async (m) => {
      await this.lockDraft(m, campaignId);
      if (dto.documentId && !(await this.documents.findInCampaign(campaignId, dto.documentId, m))) {
        throw new ValidationError('documentId: документ не найден в этой кампании');
      }
      const q = await this.repo.insert(m, {
        campaignId,
        documentId: dto.documentId ?? null,
        kind: dto.kind,
        text: dto.text.trim(),
        required: dto.required ?? true,
        sortOrder: await this.repo.nextSortOrder(m, campaignId),
        ...this.scaleColumns(dto.kind === QuestionKind.Scale ? dto.scale : undefined),
        maxLength: dto.kind === QuestionKind.Text ? (dto.maxLength ?? 4000) : null,
      });
      await this.replaceOptions(m, q.id, dto.options ?? []);
      const view = questionView(await this.load(m, campaignId, q.id));
      await this.audit.record(m, {
        actorId,
        action: AuditAction.QuestionCreate,
        entityType: 'question',
        entityId: q.id,
        campaignId,
        after: view,
      });
      return view;
    });
  }

  async update(campaignId: string, questionId: string, dto: UpdateQuestionDto, actorId: string) {
    return this.repo.transaction(async (m) => {
      await this.lockDraft(m, campaignId, questionId);
      const q = await this.load(m, campaignId, questionId);
      const before = questionView(q);
      const options = dto.options ?? before.options;
      const scale = dto.scale !== undefined ? dto.scale : before.scale;
      const maxLength = dto.maxLength !== undefined ? dto.maxLength : q.maxLength;
      const problems = questionProblems({
        kind: q.kind,
        options,
        scale: scale ? { min: scale.min, max: scale.max } : null,
        maxLength: q.kind === QuestionKind.Text ? null : maxLength,
      });
      if (problems.length) throw new ValidationError(problems);
      if (dto.text !== undefined) q.text = dto.text.trim();
      if (dto.required !== undefined) q.required = dto.required;
      if (q.kind === QuestionKind.Scale && dto.scale) Object.assign(q, this.scaleColumns(dto.scale));
      if (q.kind === QuestionKind.Text && dto.maxLength !== undefined) q.maxLength = dto.maxLength;
      delete q.options;
      await this.repo.save(m, q);
      if (dto.options) await this.replaceOptions(m, q.id, dto.options);
      if (dto.position !== undefined) await this.move(m, campaignId, q.id, dto.position);
      const after = questionView(await this.load(m, campaignId, q.id));
      await this.audit.record(m, {
        actorId,
        action: AuditAction.QuestionUpdate,
        entityType: 'question',
        entityId: q.id,
        campaignId,
        before,
        after,
      });
      return after;
    });
  }

  async remove(campaignId: string, questionId: string, actorId: string): Promise<void> {
    await this.repo.transaction(async (m) => {
      await this.lockDraft(m, campaignId, questionId);
      const q = await this.load(m, campaignId, questionId);
      const before = questionView(q);
      await this.repo.delete(m, q.id);
      await this.repo.renumber(m, campaignId, await this.repo.orderedIds(m, campaignId));
      await this.audit.record(m, {
        actorId,
        action: AuditAction.QuestionDelete,
        entityType: 'question',
        entityId: q.id,
        campaignId,
        before,
      });
    });
  }

  /** Moves a question one place up or down (the pages' reorder buttons). */
  async shift(campaignId: string, questionId: string, delta: -1 | 1, actorId: string): Promise<void> {
    await this.repo.transaction(async (m) => {
      await this.lockDraft(m, campaignId, questionId);
      const q = await this.load(m, campaignId, questionId);
      const ids = await this.repo.orderedIds(m, campaignId);
      const from = ids.indexOf(q.id);
      const to = Math.max(0, Math.min(ids.length - 1, from + delta));
      if (to === from) return;
      await this.move(m, campaignId, q.id, to);
      await this.audit.record(m, {
        actorId,
        action: AuditAction.QuestionMove,
        entityType: 'question',
        entityId: q.id,
        campaignId,
        before: { position: from },
        after: { position: to },
      });
    });
  }

  private async move(m: EntityManager, campaignId: string, questionId: string, position: number): Promise<void> {
    const ids = (await this.repo.orderedIds(m, campaignId)).filter((id) => id !== questionId);
    ids.splice(Math.min(position, ids.length), 0, questionId);
    await this.repo.renumber(m, campaignId, ids);
  }

  private scaleColumns(scale: QuestionScaleDto | undefined | null) {
    return {
      scaleMin: scale?.min ?? null,
      scaleMax: scale?.max ?? null,
      scaleMinLabel: scale?.minLabel?.trim() || null,
      scaleMaxLabel: scale?.maxLabel?.trim() || null,
    };
  }

  private async replaceOptions(m: EntityManager, questionId: string, options: QuestionOptionDto[]): Promise<void> {
    await this.repo.replaceOptions(
      m,
      questionId,
      options.map((o) => ({ text: o.text.trim(), exclusive: !!o.exclusive })),
    );
  }
}
