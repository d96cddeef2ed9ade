import { CampaignStatus } from '../campaigns/campaign-status';
import { ErrorCode } from '../common/domain-error';
import { ASSIGNMENT_TRANSITIONS, AssignmentAction, AssignmentStatus } from './assignment-status';
import { EXPERT_TRANSITIONS, ExpertAction, expertActionAllowed, ExpertStatus } from './expert-status';

describe('the expertise state machines (tables only)', () => {
  it('expert registry: each decision from where it may start, with its effects', () => {
    const from = (a: ExpertAction) => Object.values(ExpertStatus).filter((s) => expertActionAllowed(a, s));
    expect(from(ExpertAction.Approve)).toEqual([ExpertStatus.Applied, ExpertStatus.Suspended]);
    expect(from(ExpertAction.Reject)).toEqual([ExpertStatus.Applied]);
    expect(from(ExpertAction.Suspend)).toEqual([ExpertStatus.Approved]);
    expect(from(ExpertAction.Restore)).toEqual([ExpertStatus.Suspended]);
    expect(EXPERT_TRANSITIONS[ExpertAction.Suspend]).toMatchObject({ accountActive: false, endSessions: true, needsReason: true });
    expect(EXPERT_TRANSITIONS[ExpertAction.Restore]).toMatchObject({ to: ExpertStatus.Approved, accountActive: true });
    expect(EXPERT_TRANSITIONS[ExpertAction.Reject]).toMatchObject({ email: 'expert-rejected', endSessions: true });
    // a rejected entry is final
    expect(Object.values(ExpertAction).filter((a) => expertActionAllowed(a, ExpertStatus.Rejected))).toEqual([]);
  });

  it('assignments: the expert saves or submits until submitted; the organizer reopens only a submitted review', () => {
    const save = ASSIGNMENT_TRANSITIONS[AssignmentAction.SaveDraft];
    const submit = ASSIGNMENT_TRANSITIONS[AssignmentAction.Submit];
    const reopen = ASSIGNMENT_TRANSITIONS[AssignmentAction.Reopen];
    expect(save.from).toEqual([AssignmentStatus.Assigned, AssignmentStatus.Draft]);
    expect(submit).toMatchObject({ to: AssignmentStatus.Submitted, submittedAt: 'now' });
    expect(reopen).toMatchObject({
      from: [AssignmentStatus.Submitted],
      to: AssignmentStatus.Draft,
      submittedAt: 'clear',
      email: 'expert-reopened',
    });
    // the order of refusals the API documents: a review checks the stage first, a reopening the status first
    expect(submit.checks.map((c) => c.kind)).toEqual(['stage', 'status']);
    expect(reopen.checks.map((c) => c.kind)).toEqual(['status', 'stage']);
    expect(reopen.checks[0].refusal.code).toBe(ErrorCode.TransitionRefused);
    for (const t of [save, submit, reopen]) {
      const stage = t.checks.find((c) => c.kind === 'stage');
      expect(stage && stage.kind === 'stage' && stage.stages).toEqual([CampaignStatus.Expertise]);
    }
  });

  it('the audit entries of the moves', () => {
    const review = { scores: [{ criterionId: 'c', score: 2 }], recommendation: 'approve', comment: '' };
    expect(ASSIGNMENT_TRANSITIONS[AssignmentAction.Submit].audit!.after({ review })).toEqual({
      scores: [{ criterionId: 'c', score: 2 }],
      recommendation: 'approve',
    });
    expect(ASSIGNMENT_TRANSITIONS[AssignmentAction.SaveDraft].audit).toBeUndefined();
    expect(ASSIGNMENT_TRANSITIONS[AssignmentAction.Reopen].audit!.after({ reason: 'Уточните' })).toEqual({
      status: AssignmentStatus.Draft,
      reason: 'Уточните',
    });
  });
});
