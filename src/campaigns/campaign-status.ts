/** The campaign lifecycle (docs/product.md). The allowed moves live in one table, used by CampaignLifecycleService only. */
export enum CampaignStatus {
  Draft = 'draft',
  Discussion = 'discussion',
  Revision = 'revision',
  Expertise = 'expertise',
  Completed = 'completed',
  Archived = 'archived',
}

export const CAMPAIGN_TRANSITIONS: Readonly<Record<CampaignStatus, readonly CampaignStatus[]>> = {
  [CampaignStatus.Draft]: [CampaignStatus.Discussion, CampaignStatus.Expertise],
  [CampaignStatus.Discussion]: [CampaignStatus.Revision],
  [CampaignStatus.Revision]: [CampaignStatus.Expertise, CampaignStatus.Completed],
  [CampaignStatus.Expertise]: [CampaignStatus.Completed],
  [CampaignStatus.Completed]: [CampaignStatus.Archived],
  [CampaignStatus.Archived]: [],
};

export const CAMPAIGN_STATUS_LABELS: Readonly<Record<CampaignStatus, string>> = {
  [CampaignStatus.Draft]: 'Подготовка',
  [CampaignStatus.Discussion]: 'Общественное обсуждение',
  [CampaignStatus.Revision]: 'Доработка',
  [CampaignStatus.Expertise]: 'Экспертиза',
  [CampaignStatus.Completed]: 'Завершена',
  [CampaignStatus.Archived]: 'В архиве',
};

export function canTransition(from: CampaignStatus, to: CampaignStatus): boolean {
  return CAMPAIGN_TRANSITIONS[from].includes(to);
}
