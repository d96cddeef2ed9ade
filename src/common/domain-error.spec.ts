import { DomainError, ErrorCode } from './domain-error';

describe('DomainError.isStateConflict', () => {
  it('holds for exactly the codes answered with 409: a new 409 code must say whether pages treat it as one', () => {
    const codes = Object.values(ErrorCode);
    const conflicts = codes.filter((code) => new DomainError(code, 'x').isStateConflict).sort();
    const status409 = codes.filter((code) => new DomainError(code, 'x').status === 409).sort();
    expect(conflicts).toEqual(status409);
    expect(conflicts).toEqual(
      [
        ErrorCode.Conflict,
        ErrorCode.ConflictOfInterest,
        ErrorCode.Duplicate,
        ErrorCode.ProposalsUndecided,
        ErrorCode.TransitionRefused,
        ErrorCode.WrongStage,
      ].sort(),
    );
  });
});
