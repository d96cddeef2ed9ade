import { safeNextPath } from './safe-redirect';

describe('safeNextPath', () => {
  it('keeps same-site printable paths, percent-encodes non-ASCII, refuses the rest', () => {
    expect(safeNextPath('/organizer/experts?status=applied', '/')).toBe('/organizer/experts?status=applied');
    expect(safeNextPath('/организатор', '/')).toBe('/%D0%BE%D1%80%D0%B3%D0%B0%D0%BD%D0%B8%D0%B7%D0%B0%D1%82%D0%BE%D1%80');
    expect(safeNextPath('/a😀', '/')).toBe('/a%F0%9F%98%80');
    for (const bad of [
      '//evil',
      '/\\evil',
      'http://evil',
      '',
      'x',
      '/a b',
      '/a\tb',
      '/a\u0000',
      '/a\u007f',
      '/a\u0085',
      '/a\u00a0',
      '/a\u2028',
      '/a\ud800',
      '/' + 'a'.repeat(500),
      42,
      null,
    ])
      expect([bad, safeNextPath(bad, '/home')]).toEqual([bad, '/home']);
  });
});
