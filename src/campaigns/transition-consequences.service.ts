import { Injectable } from '@nestjs/common';
import { pluralRu } from '../common/view-helpers';
import { CAMPAIGN_MACHINE, CampaignEffect, CampaignStatus } from './campaign-status';
import { CampaignWorkRepository } from './campaign-work.repository';

export interface Consequence {
  /** One sentence: what the move does that cannot be undone. */
  consequence: string;
  /** What is left undone, by name (at most LIST_MAX lines, then «и ещё N»). */
  details: string[];
}

const LIST_MAX = 10;

/**
 * What a stage move closes or leaves undone, in words, for its confirmation page: every move of the lifecycle is
 * one-way, so the organizer reads the consequence (and the missing work, by name) before confirming it.
 */
@Injectable()
export class TransitionConsequencesService {
  constructor(private readonly work: CampaignWorkRepository) {}

  async describe(campaignId: string, from: CampaignStatus, to: CampaignStatus): Promise<Consequence> {
    const c = await this.work.counts(campaignId);
    switch (to) {
      case CampaignStatus.Discussion:
        return { consequence: 'Публичная анкета откроется для ответов; вопросы анкеты после этого изменить нельзя.', details: [] };
      case CampaignStatus.Revision:
        return {
          consequence: `Приём ответов закроется. Получено ${c.responses} ${pluralRu(c.responses, 'ответ', 'ответа', 'ответов')}; новые ответы приниматься не будут.`,
          details: [],
        };
      case CampaignStatus.Expertise:
        return {
          consequence: `Критерии и версии документов будут зафиксированы; экспертам уйдут приглашения (${c.assignments} ${pluralRu(c.assignments, 'назначение', 'назначения', 'назначений')}).`,
          details: [],
        };
      case CampaignStatus.Completed:
        // only the move that closes the expertise stage leaves reviews behind (a discussion-only campaign has none)
        return CAMPAIGN_MACHINE.toward(from, to)?.effects.includes(CampaignEffect.CloseExpertiseStage)
          ? this.endExpertise(campaignId, c.assignments, c.submitted)
          : this.plainEnd();
      case CampaignStatus.Archived:
        return { consequence: 'Кампания уйдёт в архив: изменить её будет нельзя.', details: [] };
      default:
        return this.plainEnd();
    }
  }

  private plainEnd(): Consequence {
    return { consequence: 'Кампания будет завершена.', details: [] };
  }

  private async endExpertise(campaignId: string, total: number, submitted: number): Promise<Consequence> {
    const missing = total - submitted;
    if (!missing)
      return {
        consequence: `Экспертиза завершится. Все ${total} ${pluralRu(total, 'рецензия', 'рецензии', 'рецензий')} отправлены.`,
        details: [],
      };
    const rows = await this.work.unsubmitted(campaignId, LIST_MAX);
    const details = rows.map((r) => `${r.expert_name} — «${r.document_title}»`);
    if (missing > rows.length) details.push(`и ещё ${missing - rows.length}`);
    const verb = pluralRu(missing, 'не отправлена', 'не отправлены', 'не отправлены');
    return {
      consequence: `Экспертиза завершится, хотя ${missing} из ${total} ${pluralRu(total, 'рецензии', 'рецензий', 'рецензий')} ${verb}: эксперты больше не смогут их отправить, в итогах они будут отмечены «не выполнено — экспертиза завершена».`,
      details,
    };
  }
}
