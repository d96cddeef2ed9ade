import { ConflictError, DomainError, ErrorCode, notFoundText, ValidationError } from './domain-error';
import { fieldRefusalView, refusalText, refusalView, splitFieldMessage, submitForm } from './page-form';
import { formatAlpha, formatDecimal } from './view-helpers';

describe('page toolkit: refusals in plain Russian, named by their labels', () => {
  it('takes the field key off a message and names the field by its label', () => {
    expect(splitFieldMessage('discussion.closesAt: окончание этапа должно быть позже его начала')).toEqual({
      key: 'discussion.closesAt',
      text: 'окончание этапа должно быть позже его начала',
    });
    expect(splitFieldMessage('Переход невозможен: нет документов')).toEqual({ key: null, text: 'Переход невозможен: нет документов' });
    const view = refusalView(new ValidationError('discussion.closesAt: окончание этапа должно быть позже его начала'), {
      discussionClosesAt: 'Окончание обсуждения',
      'discussion.closesAt': 'Окончание обсуждения',
    });
    expect(view).toEqual({
      status: 400,
      formError: 'Проверьте введённые данные.',
      formErrors: [{ field: 'discussion.closesAt', message: 'Окончание обсуждения: окончание этапа должно быть позже его начала' }],
      errors: { 'discussion.closesAt': 'Окончание этапа должно быть позже его начала' },
    });
  });

  it('prefers fieldErrors, drops keys the form does not know, and never leaves the banner empty', () => {
    expect(refusalView(new ValidationError('reason: x', { reason: 'Укажите причину' }), { reason: 'Причина' })).toEqual({
      status: 400,
      formError: 'Проверьте введённые данные.',
      formErrors: [{ field: 'reason', message: 'Причина: Укажите причину' }],
      errors: { reason: 'Укажите причину' },
    });
    const unknown = refusalView(new ConflictError('status: оценка уже отправлена'));
    expect(unknown.formErrors).toEqual([{ field: '', message: 'Оценка уже отправлена' }]);
    expect(unknown.formError).toBe('Действие сейчас невозможно.');
    expect(refusalView(new DomainError(ErrorCode.ConflictOfInterest, 'conflict: …')).formError).toBe(
      'Назначение не создано: есть конфликт интересов.',
    );
  });

  it('rethrows what is not the user’s input (faults and 404s go to the error page)', () => {
    expect(() => refusalView(new Error('boom'))).toThrow('boom');
    expect(() => refusalView(new DomainError(ErrorCode.NotFound, 'Кампания не найдена'))).toThrow('Кампания не найдена');
  });

  it('shows a service’s own field messages as they are, under the form’s banner, the summary linking to each field', () => {
    const err = new ValidationError(['name: пусто'], { name: 'укажите название' });
    expect(fieldRefusalView(err, 'Не сохранено.', (f) => `new-${f}`)).toEqual({
      status: 400,
      formError: 'Не сохранено.',
      formErrors: [{ field: 'new-name', message: 'укажите название' }],
      errors: { name: 'укажите название' },
    });
    expect(refusalText(new ValidationError(['role: выберите роль', 'Нельзя: так']))).toBe('выберите роль; Нельзя: так');
  });

  it('runs a form action: the result to `done`, a refusal to `refused`, anything else on to the error filter', async () => {
    await expect(
      submitForm(
        async () => 2,
        (n) => n * 10,
        () => 'refused',
      ),
    ).resolves.toBe(20);
    const refusal = new ConflictError('уже');
    await expect(
      submitForm(
        () => Promise.reject(refusal),
        () => 'done',
        (err) => err,
      ),
    ).resolves.toBe(refusal);
    const notFound = new DomainError(ErrorCode.NotFound, 'Кампания не найдена');
    await expect(
      submitForm(
        () => Promise.reject(notFound),
        () => 'done',
        () => 'refused',
      ),
    ).rejects.toBe(notFound);
  });

  it('agrees «не найден» with the noun and formats decimals the Russian way, alpha to two places', () => {
    expect(['Кампания', 'Обсуждение', 'Документ', 'Версия документа'].map(notFoundText)).toEqual([
      'Кампания не найдена',
      'Обсуждение не найдено',
      'Документ не найден',
      'Версия документа не найдена',
    ]);
    expect(formatDecimal(20.94, 1)).toBe('20,9');
    expect(formatAlpha(0.1)).toBe('0,10');
    expect(formatAlpha(0.6667)).toBe('0,67');
    expect(formatAlpha(null)).toBe('не определена');
  });
});
