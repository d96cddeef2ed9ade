import { mailFailureInWords, mailKindLabel } from './mail-labels';

describe('unsent emails in words', () => {
  it('names the kind of an email, and «письмо» for one it does not know', () => {
    expect(mailKindLabel('report-final')).toBe('итоговый отчёт');
    expect(mailKindLabel('expert-invitation')).toBe('приглашение к экспертизе');
    expect(mailKindLabel('something-new')).toBe('письмо');
  });

  it("says what went wrong without the server's own words", () => {
    expect(mailFailureInWords('550 5.1.1 <a@b.ru>: Recipient address rejected')).toBe('почтовый сервер ответил отказом (код 550)');
    expect(mailFailureInWords('Greeting never received: Connection timeout')).toBe('почтовый сервер не ответил вовремя');
    expect(mailFailureInWords('connect ECONNREFUSED 127.0.0.1:25')).toBe('не удалось связаться с почтовым сервером');
    expect(mailFailureInWords(null)).toBe('не удалось связаться с почтовым сервером');
  });
});
