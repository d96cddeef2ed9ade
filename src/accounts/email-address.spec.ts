import fc from 'fast-check';
import { Role } from './entities/user.entity';
import { EMAIL_MAX_LENGTH, isEmailAddress } from './email-address';
import { UsersService } from './users.service';

/*
 * Issue 11, finding 1 (ReDoS). The regex this replaces backtracked quadratically; `npm run lint` now refuses such
 * patterns in src (eslint-plugin-regexp). Here: the check keeps its meaning, and over-long input is refused before
 * any pattern sees it, whatever the pattern.
 */
describe('email address check', () => {
  // the pattern the check replaced, kept only to compare meanings on short strings
  // eslint-disable-next-line regexp/no-super-linear-backtracking
  const OLD = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

  it('accepts and refuses what the old pattern did, on short strings', () => {
    const alphabet = fc.constantFrom('a', 'b', '@', '.', ' ', '\t', '\u00a0', 'я', '-');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 12 }).map((cs) => cs.join('')),
        (s) => {
          expect([s, isEmailAddress(s)]).toEqual([s, OLD.test(s)]);
        },
      ),
      { numRuns: 3000 },
    );
    for (const good of ['a@b.c', 'ivanova@school.example', 'x.y@sub.domain.ru']) expect([good, isEmailAddress(good)]).toEqual([good, true]);
    for (const bad of ['', 'a@b', 'a@.b', 'a@b.', '@b.c', 'a@b@c.d', 'a b@c.d', 'a@b .c', 42, null, undefined])
      expect([bad, isEmailAddress(bad)]).toEqual([bad, false]);
  });

  it(`refuses more than ${EMAIL_MAX_LENGTH} characters`, () => {
    const local = 'a'.repeat(EMAIL_MAX_LENGTH - '@b.ru'.length);
    expect(isEmailAddress(`${local}@b.ru`)).toBe(true);
    expect(isEmailAddress(`${local}a@b.ru`)).toBe(false);
  });

  it("the validator refuses the probe's 260,000-character address before any regex looks at it", () => {
    const attack = 'a@' + '.'.repeat(260_000) + '@';
    const seen: number[] = [];
    // record the length of every string any regex is run on, without running it (the old pattern took about a minute)
    const test = jest.spyOn(RegExp.prototype, 'test').mockImplementation((s: string) => (seen.push(String(s).length), false));
    const exec = jest.spyOn(RegExp.prototype, 'exec').mockImplementation((s: string) => (seen.push(String(s).length), null));
    try {
      const problems = UsersService.validateNewUser({
        email: attack,
        password: 'long-enough-password',
        role: Role.Expert,
        fullName: 'Имя',
      });
      expect(problems).toEqual(['email: неверный адрес электронной почты']);
    } finally {
      test.mockRestore();
      exec.mockRestore();
    }
    expect(seen.filter((n) => n > EMAIL_MAX_LENGTH)).toEqual([]);
  });
});
