import { Injectable, Logger } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { PasswordService } from '../accounts/password.service';
import { SessionService } from '../accounts/session.service';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { ConflictError, NotFoundError } from '../common/domain-error';
import { Cell } from '../common/table-export';
import { ASSIGNMENT_STATUS_LABELS } from '../expertise/assignment-status';
import { EXPERT_STATUS_LABELS, ExpertStatus } from '../expertise/expert-status';
import { ExpertPersonalDataRepository, ExpertPersonRow } from '../expertise/expert-personal-data.repository';
import { ReferenceService } from '../reference/reference.service';

export const ERASED_NAME = 'Эксперт (данные удалены)';
/** `.invalid` is reserved (RFC 2606): mail to it can never be delivered, and the uuid keeps the address unique. */
export const erasedEmail = () => `erased-${randomUUID()}@erased.invalid`;

export interface PersonalDataExport {
  person: Record<string, unknown>;
  reviews: Record<string, unknown>[];
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** A subject-access export of one expert's personal data, and its erasure on request (152-FZ). */
@Injectable()
export class ExpertPersonalDataService {
  private readonly logger = new Logger(ExpertPersonalDataService.name);

  constructor(
    private readonly repo: ExpertPersonalDataRepository,
    private readonly reference: ReferenceService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  async person(userId: string): Promise<ExpertPersonRow> {
    const p = await this.repo.person(userId);
    if (!p) throw new NotFoundError('Эксперт');
    return p;
  }

  /** Everything the platform keeps about the person, in words (Russian keys, as the person will read it). */
  async collect(actorId: string, userId: string): Promise<PersonalDataExport> {
    const [p, reviews, lists] = await Promise.all([this.person(userId), this.repo.reviews(userId), this.reference.codeLists()]);
    const direction = new Map(lists.directions.map((d) => [d.code, d.name]));
    const recommendation = new Map(lists.recommendations.map((r) => [r.code, r.name]));
    await this.audit.record(null, { actorId, action: AuditAction.ExpertDataExported, entityType: 'expert', entityId: userId });
    return {
      person: {
        ФИО: p.full_name,
        'Адрес электронной почты': p.email,
        'Адрес подтверждён': iso(p.email_confirmed_at),
        'Учётная запись действует': p.active,
        Зарегистрирован: iso(p.created_at),
        'Статус в реестре': EXPERT_STATUS_LABELS[p.status as ExpertStatus] ?? p.status,
        Территория: p.territory_name,
        Организация: p.organization_name,
        Должность: p.position,
        Компетенции: p.competences.map((c) => direction.get(c) ?? c),
        'О себе': p.about,
        'Причина решения': p.status_reason,
        'Согласие на обработку данных: версия политики': p.consent_version,
        'Согласие на обработку данных: когда': iso(p.consent_at),
        'Данные удалены': iso(p.erased_at),
      },
      reviews: reviews.map((r) => ({
        Кампания: r.campaign_title,
        Документ: r.document_title,
        Состояние: ASSIGNMENT_STATUS_LABELS[r.status as keyof typeof ASSIGNMENT_STATUS_LABELS] ?? r.status,
        Рекомендация: r.recommendation ? (recommendation.get(r.recommendation) ?? r.recommendation) : null,
        'Общий комментарий': r.general_comment,
        Отправлено: iso(r.submitted_at),
        Критерий: r.criterion,
        Оценка: r.score,
        'Комментарий к оценке': r.comment,
      })),
    };
  }

  static sheetRows(rows: Record<string, unknown>[]): { headers: string[]; rows: Cell[][] } {
    const headers = rows.length ? Object.keys(rows[0]) : [];
    const cell = (v: unknown): Cell =>
      v === null || v === undefined ? '' : Array.isArray(v) ? v.join('; ') : typeof v === 'object' ? JSON.stringify(v) : (v as Cell);
    return { headers, rows: rows.map((r) => headers.map((h) => cell(r[h]))) };
  }

  /** Erases the person's data; the reviews stay, anonymized, so the figures do not change. Ends every session. */
  async erase(actorId: string, userId: string): Promise<void> {
    const p = await this.person(userId);
    if (p.erased_at) throw new ConflictError('Данные этого эксперта уже удалены');
    const unusable = await this.passwords.hash(randomBytes(32).toString('base64url'));
    await this.repo.transaction(async (m) => {
      await this.repo.erase(m, userId, erasedEmail(), unusable);
      await this.audit.record(m, { actorId, action: AuditAction.ExpertDataErased, entityType: 'expert', entityId: userId });
    });
    await this.sessions.destroyAllFor(userId);
    this.logger.log({ expertId: userId }, 'expert personal data erased on request');
  }
}
