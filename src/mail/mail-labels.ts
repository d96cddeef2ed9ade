/**
 * Emails and their failures in words, for the pages that list unsent emails (the organizer's results, the
 * administrator's «Работа системы»): never a template's code or the SMTP server's English reply.
 */
const MAIL_KINDS: Readonly<Record<string, string>> = {
  'account-invitation': 'приглашение пользователю',
  'password-reset': 'смена пароля',
  'expert-confirmation': 'подтверждение адреса эксперта',
  'expert-approved': 'одобрение заявки эксперта',
  'expert-rejected': 'отклонение заявки эксперта',
  'expert-invitation': 'приглашение к экспертизе',
  'expert-reminder': 'напоминание эксперту',
  'expert-manual-reminder': 'напоминание эксперту',
  'expert-reopened': 'возврат заключения',
  'report-final': 'итоговый отчёт',
};

/** An email's kind by its template ("письмо" for one not named here). */
export function mailKindLabel(template: string): string {
  return MAIL_KINDS[template] ?? 'письмо';
}

/** An SMTP failure in words: the server's reply code if there was one, else "no connection". */
export function mailFailureInWords(error: string | null): string {
  const code = /\b([45]\d\d)\b/.exec(error ?? '')?.[1];
  if (code) return `почтовый сервер ответил отказом (код ${code})`;
  if (/timeout|timed out/i.test(error ?? '')) return 'почтовый сервер не ответил вовремя';
  return 'не удалось связаться с почтовым сервером';
}
