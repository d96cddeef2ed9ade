import { AUDIT_SENTENCES, AuditAction } from './audit-action';
import { auditSentence, changedFields, isFeminineName } from './audit-sentences';

const base = { actorName: 'Ольга Организаторова', campaignTitle: 'Модельные документы 2026', subjectName: null, before: null, after: null };

describe('audit sentences', () => {
  it('reads a transition as the issue quotes it, with the verb agreeing with the person', () => {
    const transition = { ...base, action: AuditAction.CampaignTransition, before: { status: 'revision' }, after: { status: 'expertise' } };
    expect(auditSentence(transition)).toBe('Ольга Организаторова перевела кампанию «Модельные документы 2026» на этап «Экспертиза»');
    expect(auditSentence({ ...transition, actorName: 'Иван Петрович Сидоров' })).toBe(
      'Иван Петрович Сидоров перевёл кампанию «Модельные документы 2026» на этап «Экспертиза»',
    );
    expect(auditSentence({ ...transition, actorName: null })).toBe(
      'Система перевела кампанию «Модельные документы 2026» на этап «Экспертиза»',
    );
  });

  it('names what changed in words, never keys or JSON', () => {
    expect(
      changedFields({ title: 'А', description: 'x', resultsPublished: false }, { title: 'Б', description: 'y', resultsPublished: true }),
    ).toBe(': изменены название («А» → «Б»), описание, публикация итогов (нет → да)');
    expect(
      auditSentence({
        ...base,
        action: AuditAction.UserRoleChange,
        subjectName: 'Пётр Петров',
        before: { role: 'admin' },
        after: { role: 'organizer' },
      }),
    ).toBe('Ольга Организаторова сменила роль пользователя Пётр Петров с «Администратор» на «Организатор»');
    expect(auditSentence({ ...base, action: AuditAction.ResponseExclude, after: { excluded: true, reason: 'дубль' } })).toBe(
      'Ольга Организаторова исключила ответ респондента из итогов кампании «Модельные документы 2026» (причина: «дубль»)',
    );
  });

  it('has a sentence and a label for every action, and guesses gender from patronymic, surname or first name', () => {
    for (const a of Object.values(AuditAction)) {
      expect(AUDIT_SENTENCES[a].label).toMatch(/^[А-ЯЁ]/);
      const s = auditSentence({ ...base, action: a, subjectName: 'Кто-то' });
      expect([a, /[{}]|undefined|null/.test(s)]).toEqual([a, false]);
    }
    expect(['Мария Ивановна Петрова', 'Ольга Организаторова', 'Анна Ким'].map(isFeminineName)).toEqual([true, true, true]);
    expect(['Никита Иванов', 'Пётр Ильич Чайковский', 'Администратор Демонстрационный'].map(isFeminineName)).toEqual([false, false, false]);
  });
});
