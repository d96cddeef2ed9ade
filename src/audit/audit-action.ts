/**
 * Every kind of action the audit log records. The stored value (audit_log.action) is the enum's value, so rows written
 * before the enum existed read the same; the page shows each one as a Russian sentence (audit-sentences.ts), never the
 * code.
 */
export enum AuditAction {
  CampaignCreate = 'campaign.create',
  CampaignUpdate = 'campaign.update',
  CampaignTransition = 'campaign.transition',
  CampaignTransitionFailed = 'campaign.transition_failed',
  CriteriaReplace = 'criteria.replace',
  DocumentCreate = 'document.create',
  DocumentVersion = 'document.version',
  DocumentUpdate = 'document.update',
  QuestionCreate = 'question.create',
  QuestionUpdate = 'question.update',
  QuestionDelete = 'question.delete',
  QuestionMove = 'question.move',
  ResponseExclude = 'response.exclude',
  ResponseInclude = 'response.include',
  ResultsPublish = 'results.publish',
  ResultsUnpublish = 'results.unpublish',
  ExpertApplied = 'expert.applied',
  ExpertEmailConfirmed = 'expert.email_confirmed',
  ExpertConfirmationResent = 'expert.confirmation_resent',
  ExpertApplicationsDigest = 'expert.applications_digest',
  ExpertApprove = 'expert.approve',
  ExpertReject = 'expert.reject',
  ExpertSuspend = 'expert.suspend',
  ExpertRestore = 'expert.restore',
  ExpertDataExported = 'expert.personal_data_exported',
  ExpertDataErased = 'expert.personal_data_erased',
  ReviewSubmitted = 'review.submitted',
  ReviewReopened = 'review.reopened',
  AssignmentCreated = 'assignment.created',
  AssignmentBulkDirection = 'assignment.bulk_direction',
  AssignmentBulkBalanced = 'assignment.bulk_balanced',
  AssignmentConflictOverride = 'assignment.conflict_override',
  AssignmentDeleted = 'assignment.deleted',
  AssignmentReminded = 'assignment.reminded',
  ProposalDecide = 'proposal.decide',
  UserCreate = 'user.create',
  UserRoleChange = 'user.role_change',
  UserBlock = 'user.block',
  UserUnblock = 'user.unblock',
  UserLinkResent = 'user.link_resent',
  TerritoryCreate = 'territory.create',
  TerritoryUpdate = 'territory.update',
  OrganizationCreate = 'organization.create',
  OrganizationUpdate = 'organization.update',
  OrganizationDelete = 'organization.delete',
  OrganizationImport = 'organization.import',
}

/** Who acts in a sentence: a verb has a masculine and a feminine past form («перевёл» / «перевела»). */
export type Verb = readonly [masculine: string, feminine: string];

/**
 * One sentence per action: the verb agreeing with the person, then the rest. `{campaign}`, `{subject}` and `{details}`
 * are filled by the renderer (campaign title in quotes, the person or object acted on, what changed in words).
 */
export const AUDIT_SENTENCES: Readonly<Record<AuditAction, { verb: Verb; rest: string; label: string }>> = {
  [AuditAction.CampaignCreate]: { verb: ['создал', 'создала'], rest: 'кампанию {campaign}', label: 'Создание кампании' },
  [AuditAction.CampaignUpdate]: { verb: ['изменил', 'изменила'], rest: 'кампанию {campaign}{details}', label: 'Изменение кампании' },
  [AuditAction.CampaignTransition]: {
    verb: ['перевёл', 'перевела'],
    rest: 'кампанию {campaign} на этап {details}',
    label: 'Смена этапа кампании',
  },
  [AuditAction.CampaignTransitionFailed]: {
    verb: ['не смог перевести', 'не смогла перевести'],
    rest: 'кампанию {campaign} на этап {details}',
    label: 'Несостоявшаяся смена этапа',
  },
  [AuditAction.CriteriaReplace]: {
    verb: ['изменил', 'изменила'],
    rest: 'критерии экспертизы кампании {campaign}{details}',
    label: 'Изменение критериев',
  },
  [AuditAction.DocumentCreate]: {
    verb: ['добавил', 'добавила'],
    rest: 'документ {subject} в кампанию {campaign}',
    label: 'Добавление документа',
  },
  [AuditAction.DocumentVersion]: {
    verb: ['загрузил', 'загрузила'],
    rest: 'новую версию документа {subject} в кампании {campaign}{details}',
    label: 'Новая версия документа',
  },
  [AuditAction.DocumentUpdate]: {
    verb: ['изменил', 'изменила'],
    rest: 'документ {subject} в кампании {campaign}{details}',
    label: 'Изменение документа',
  },
  [AuditAction.QuestionCreate]: {
    verb: ['добавил', 'добавила'],
    rest: 'вопрос {subject} в анкету кампании {campaign}',
    label: 'Добавление вопроса',
  },
  [AuditAction.QuestionUpdate]: {
    verb: ['изменил', 'изменила'],
    rest: 'вопрос {subject} в анкете кампании {campaign}',
    label: 'Изменение вопроса',
  },
  [AuditAction.QuestionDelete]: {
    verb: ['удалил', 'удалила'],
    rest: 'вопрос {subject} из анкеты кампании {campaign}',
    label: 'Удаление вопроса',
  },
  [AuditAction.QuestionMove]: {
    verb: ['переставил', 'переставила'],
    rest: 'вопрос {subject} в анкете кампании {campaign}',
    label: 'Перестановка вопроса',
  },
  [AuditAction.ResponseExclude]: {
    verb: ['исключил', 'исключила'],
    rest: 'ответ респондента из итогов кампании {campaign}{details}',
    label: 'Исключение ответа',
  },
  [AuditAction.ResponseInclude]: {
    verb: ['вернул', 'вернула'],
    rest: 'ответ респондента в итоги кампании {campaign}{details}',
    label: 'Возврат ответа',
  },
  [AuditAction.ResultsPublish]: { verb: ['опубликовал', 'опубликовала'], rest: 'итоги кампании {campaign}', label: 'Публикация итогов' },
  [AuditAction.ResultsUnpublish]: {
    verb: ['снял', 'сняла'],
    rest: 'с публикации итоги кампании {campaign}',
    label: 'Снятие итогов с публикации',
  },
  [AuditAction.ExpertApplied]: { verb: ['подал', 'подала'], rest: 'заявку в реестр экспертов', label: 'Заявка эксперта' },
  [AuditAction.ExpertEmailConfirmed]: {
    verb: ['подтвердил', 'подтвердила'],
    rest: 'адрес электронной почты',
    label: 'Подтверждение почты',
  },
  [AuditAction.ExpertConfirmationResent]: {
    verb: ['запросил', 'запросила'],
    rest: 'письмо для подтверждения адреса ещё раз',
    label: 'Повторное письмо подтверждения',
  },
  [AuditAction.ExpertApplicationsDigest]: {
    verb: ['отправил', 'отправила'],
    rest: 'организаторам сводку заявок экспертов, ждущих решения{details}',
    label: 'Сводка заявок экспертов',
  },
  [AuditAction.ProposalDecide]: {
    verb: ['принял', 'приняла'],
    rest: 'решение по предложению к документу {subject} в кампании {campaign}{details}',
    label: 'Решение по предложению',
  },
  [AuditAction.ExpertApprove]: { verb: ['включил', 'включила'], rest: 'в реестр экспертов: {subject}', label: 'Одобрение заявки эксперта' },
  [AuditAction.ExpertReject]: {
    verb: ['отклонил', 'отклонила'],
    rest: 'заявку эксперта {subject}{details}',
    label: 'Отклонение заявки эксперта',
  },
  [AuditAction.ExpertSuspend]: {
    verb: ['приостановил', 'приостановила'],
    rest: 'работу эксперта {subject}{details}',
    label: 'Приостановка эксперта',
  },
  [AuditAction.ExpertRestore]: {
    verb: ['восстановил', 'восстановила'],
    rest: 'эксперта {subject} в реестре',
    label: 'Восстановление эксперта',
  },
  [AuditAction.ExpertDataExported]: {
    verb: ['выгрузил', 'выгрузила'],
    rest: 'персональные данные эксперта {subject}',
    label: 'Выгрузка персональных данных',
  },
  [AuditAction.ExpertDataErased]: {
    verb: ['удалил', 'удалила'],
    rest: 'персональные данные эксперта по его просьбе: {subject}',
    label: 'Удаление персональных данных',
  },
  [AuditAction.ReviewSubmitted]: {
    verb: ['отправил', 'отправила'],
    rest: 'экспертное заключение по кампании {campaign}',
    label: 'Отправка заключения',
  },
  [AuditAction.ReviewReopened]: {
    verb: ['вернул', 'вернула'],
    rest: 'на доработку заключение эксперта по кампании {campaign}{details}',
    label: 'Возврат заключения',
  },
  [AuditAction.AssignmentCreated]: {
    verb: ['назначил', 'назначила'],
    rest: 'экспертов в кампании {campaign}{details}',
    label: 'Назначение экспертов',
  },
  [AuditAction.AssignmentBulkDirection]: {
    verb: ['распределил', 'распределила'],
    rest: 'экспертов по направлениям в кампании {campaign}{details}',
    label: 'Распределение экспертов',
  },
  [AuditAction.AssignmentBulkBalanced]: {
    verb: ['распределил', 'распределила'],
    rest: 'экспертов равномерно в кампании {campaign}{details}',
    label: 'Распределение экспертов',
  },
  [AuditAction.AssignmentConflictOverride]: {
    verb: ['назначил', 'назначила'],
    rest: 'эксперта вопреки конфликту интересов в кампании {campaign}{details}',
    label: 'Назначение при конфликте интересов',
  },
  [AuditAction.AssignmentDeleted]: {
    verb: ['снял', 'сняла'],
    rest: 'назначение эксперта в кампании {campaign}',
    label: 'Снятие назначения',
  },
  [AuditAction.AssignmentReminded]: {
    verb: ['напомнил', 'напомнила'],
    rest: 'эксперту о заключении по кампании {campaign}',
    label: 'Напоминание эксперту',
  },
  [AuditAction.UserCreate]: { verb: ['добавил', 'добавила'], rest: 'пользователя {subject}{details}', label: 'Добавление пользователя' },
  [AuditAction.UserRoleChange]: { verb: ['сменил', 'сменила'], rest: 'роль пользователя {subject}{details}', label: 'Смена роли' },
  [AuditAction.UserBlock]: { verb: ['заблокировал', 'заблокировала'], rest: 'пользователя {subject}', label: 'Блокировка' },
  [AuditAction.UserUnblock]: { verb: ['разблокировал', 'разблокировала'], rest: 'пользователя {subject}', label: 'Разблокировка' },
  [AuditAction.UserLinkResent]: {
    verb: ['отправил', 'отправила'],
    rest: 'пользователю {subject} новую ссылку для установки пароля',
    label: 'Повторная отправка ссылки',
  },
  [AuditAction.TerritoryCreate]: { verb: ['добавил', 'добавила'], rest: 'территорию {subject}', label: 'Добавление территории' },
  [AuditAction.TerritoryUpdate]: { verb: ['изменил', 'изменила'], rest: 'территорию {subject}{details}', label: 'Изменение территории' },
  [AuditAction.OrganizationCreate]: { verb: ['добавил', 'добавила'], rest: 'организацию {subject}', label: 'Добавление организации' },
  [AuditAction.OrganizationUpdate]: {
    verb: ['изменил', 'изменила'],
    rest: 'организацию {subject}{details}',
    label: 'Изменение организации',
  },
  [AuditAction.OrganizationDelete]: { verb: ['удалил', 'удалила'], rest: 'организацию {subject}', label: 'Удаление организации' },
  [AuditAction.OrganizationImport]: {
    verb: ['загрузил', 'загрузила'],
    rest: 'организации из файла{details}',
    label: 'Загрузка организаций',
  },
};

export function isAuditAction(value: string): value is AuditAction {
  return Object.prototype.hasOwnProperty.call(AUDIT_SENTENCES, value);
}
