import { CAMPAIGN_MACHINE, CampaignAction, CampaignStatus, dueScheduleSql, scheduledMove } from '../campaigns/campaign-status';
import { MAIL_MACHINE, MailAction, MailStatus } from '../mail/mail-status';
import { REPORT_MACHINE, ReportAction, ReportStatus } from '../reports/report-status';
import { TransitionTable } from './state-machine';

enum S {
  A = 'a',
  B = 'b',
}
enum Act {
  Go = 'go',
  Back = 'back',
}

describe('TransitionTable', () => {
  const table = new TransitionTable<S, Act, 'log'>([
    { action: Act.Go, from: [S.A], to: S.B, effects: ['log'] },
    { action: Act.Back, from: [S.B], to: S.A },
  ]);

  it('answers from + action → to with the declared effects, and null for a move it does not hold', () => {
    expect(table.find(S.A, Act.Go)).toEqual({ from: S.A, action: Act.Go, to: S.B, effects: ['log'] });
    expect(table.find(S.B, Act.Go)).toBeNull();
    expect(table.toward(S.B, S.A)?.action).toBe(Act.Back);
    expect(table.outOf(S.A).map((t) => t.to)).toEqual([S.B]);
  });

  it('refuses a table with two moves for one (from, action) or one action with two targets', () => {
    expect(() => new TransitionTable<S, Act>([{ action: Act.Go, from: [S.A, S.A], to: S.B }])).toThrow('unique');
    expect(
      () =>
        new TransitionTable<S, Act>([
          { action: Act.Go, from: [S.A], to: S.B },
          { action: Act.Go, from: [S.B], to: S.A },
        ]),
    ).toThrow('two targets');
  });
});

describe('the machines', () => {
  it('campaigns: the moves of docs/lifecycle.md, expertise-closing effects only from expertise', () => {
    const moves = CAMPAIGN_MACHINE.moves.map((t) => `${t.from}>${t.to}`);
    expect(moves).toEqual([
      'draft>discussion',
      'discussion>revision',
      'draft>expertise',
      'revision>expertise',
      'revision>completed',
      'expertise>completed',
      'completed>archived',
    ]);
    expect(CAMPAIGN_MACHINE.find(CampaignStatus.Revision, CampaignAction.Complete)?.effects).toEqual([]);
    expect(CAMPAIGN_MACHINE.find(CampaignStatus.Expertise, CampaignAction.Complete)?.effects).toEqual(['close-expertise-stage']);
  });

  it('mail: a sent message is never claimed again', () => {
    expect(MAIL_MACHINE.anySource(MailAction.Claim).from).toEqual([MailStatus.Queued, MailStatus.Sending, MailStatus.Failed]);
  });

  it('reports: a ready report never moves', () => {
    expect(REPORT_MACHINE.outOf(ReportStatus.Ready)).toEqual([]);
    expect(REPORT_MACHINE.find(ReportStatus.Failed, ReportAction.Requeue)?.to).toBe(ReportStatus.Queued);
  });
});

describe('scheduled moves come from one table', () => {
  const at = (iso: string) => new Date(iso);
  const none = { discussionOpensAt: null, discussionClosesAt: null, expertiseOpensAt: null, expertiseClosesAt: null };

  it('a draft opens the discussion when it has a date for it, else goes straight to expertise', () => {
    const both = { ...none, status: CampaignStatus.Draft, discussionOpensAt: at('2026-03-01'), expertiseOpensAt: at('2026-01-01') };
    expect(scheduledMove(both)).toEqual({ to: CampaignStatus.Discussion, dueAt: at('2026-03-01') });
    expect(scheduledMove({ ...none, status: CampaignStatus.Draft, expertiseOpensAt: at('2026-01-01') })).toEqual({
      to: CampaignStatus.Expertise,
      dueAt: at('2026-01-01'),
    });
    expect(scheduledMove({ ...none, status: CampaignStatus.Completed })).toBeNull();
  });

  it('the due-query takes, per status, the first date set (the same precedence)', () => {
    expect(dueScheduleSql('$1')).toBe(
      [
        "(status = 'draft' AND COALESCE(discussion_opens_at, expertise_opens_at) <= $1)",
        "(status = 'discussion' AND COALESCE(discussion_closes_at) <= $1)",
        "(status = 'revision' AND COALESCE(expertise_opens_at) <= $1)",
        "(status = 'expertise' AND COALESCE(expertise_closes_at) <= $1)",
      ].join(' OR '),
    );
  });
});
