import { isValidSlug, slugify, uniqueSlug } from './slug';

describe('slugs', () => {
  it('transliterates Russian titles into readable Latin', () => {
    expect(slugify('Модельные документы 2026')).toBe('modelnye-dokumenty-2026');
    expect(slugify('Щедрость, ёлка и «Чебаркуль»!')).toBe('shchedrost-elka-i-chebarkul');
    expect(slugify('Объём — Хорошо')).toBe('obem-khorosho');
    expect(slugify('   ')).toBe('campaign');
    expect(slugify('Ж'.repeat(100))).toBe('zh'.repeat(30));
  });

  it('makes slugs unique with -2, -3 …', () => {
    expect(uniqueSlug('a', new Set())).toBe('a');
    expect(uniqueSlug('a', new Set(['a']))).toBe('a-2');
    expect(uniqueSlug('a', new Set(['a', 'a-2', 'a-3']))).toBe('a-4');
  });

  it('accepts only lower-case Latin, digits and single hyphens', () => {
    expect(isValidSlug('pps-2026')).toBe(true);
    for (const bad of ['', 'Abc', 'a--b', '-a', 'a-', 'кириллица', 'a b', 'x'.repeat(61)])
      expect([bad, isValidSlug(bad)]).toEqual([bad, false]);
  });
});
