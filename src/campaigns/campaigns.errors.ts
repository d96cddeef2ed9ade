import { ConflictError, ErrorCode } from '../common/domain-error';
import { CAMPAIGN_STATUS_LABELS, CampaignStatus } from './campaign-status';

/** Refused because of the campaign's stage (409). */
export class WrongStageError extends ConflictError {
  constructor(message: string) {
    super(message, ErrorCode.WrongStage);
  }
}

export const QUESTIONNAIRE_LOCKED = 'Анкету можно изменять только на этапе подготовки';
export const CRITERIA_LOCKED = 'Критерии нельзя изменять после начала экспертизы';
export const SLUG_LOCKED = 'slug: адрес можно изменить только на этапе подготовки';

export function transitionNotAllowed(from: CampaignStatus, to: CampaignStatus): string {
  return `Переход из этапа «${CAMPAIGN_STATUS_LABELS[from]}» в этап «${CAMPAIGN_STATUS_LABELS[to]}» невозможен`;
}
