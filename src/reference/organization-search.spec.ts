import { sameName, searchPatterns, searchWords } from './organization-search';

describe('organization search folding and patterns', () => {
  it('folds case, ё, quotes and punctuation alike', () => {
    expect(searchWords('МАДОУ «Детский сад «Ёлочка»» №5')).toEqual(['мадоу', 'детский', 'сад', 'елочка', '5']);
    expect(sameName('мбоу гимназия №9', 'МБОУ «Гимназия № 9»')).toBe(true);
    expect(sameName('гимназия 9', 'МБОУ «Гимназия № 9»')).toBe(false);
    expect(sameName('', '')).toBe(false);
  });

  it('numbers match whole words, other words their starts; LIKE wildcards and backslashes are escaped', () => {
    expect(searchPatterns('Лицей 11')).toEqual(['% лицей%', '% 11 %']);
    expect(searchPatterns('100%_ы\\')).toEqual(['% 100\\%\\_ы%']);
    expect(searchPatterns('г. Миасс')).toEqual(['% миасс%']);
  });

  it('ignores texts longer than a name, keeps at most 8 words of at most 60 characters', () => {
    expect(searchPatterns('а'.repeat(301))).toEqual([]);
    expect(searchPatterns('аб вг де жз ик лм но пр ст уф')).toHaveLength(8);
    expect(searchPatterns(`${'ж'.repeat(61)} школа`)).toEqual(['% школа%']);
  });
});
