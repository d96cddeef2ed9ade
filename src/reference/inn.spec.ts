import { isValidInn } from './inn';

describe('isValidInn', () => {
  it('accepts real 10- and 12-digit numbers and refuses a changed digit, letters and other lengths', () => {
    expect(isValidInn('7707083893')).toBe(true);
    expect(isValidInn('7451207868')).toBe(true);
    expect(isValidInn('500100732259')).toBe(true);
    expect(isValidInn('7707083894')).toBe(false);
    expect(isValidInn('500100732258')).toBe(false);
    expect(isValidInn('77070838a3')).toBe(false);
    expect(isValidInn('770708389')).toBe(false);
    expect(isValidInn('')).toBe(false);
  });
});
